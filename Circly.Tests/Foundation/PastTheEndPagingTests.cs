using System.Net;
using Circly.Tests.Infrastructure;
using Circly.Tests.Polls;

namespace Circly.Tests.Foundation;

/// <summary>
/// A page past the end of a list is empty, but its pagination still reports the list's real total
/// (the totals came from a window function over the page, which has no rows there: total 0).
/// </summary>
public sealed class PastTheEndPagingTests(CirclyStack stack)
{
    [Fact]
    public async Task PollsPastTheEndReportTheRealTotal()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        await stack.NewPollAsync(circle);
        await stack.NewPollAsync(circle);

        var page = await stack.Client.GetAsync($"/v1/polls?circleId={circle.Id}&limit=1&offset=5", circle.Owner.AccessToken);

        AssertEmptyPageOf(page, total: 2);
    }

    [Fact]
    public async Task ReportsPastTheEndReportTheRealTotal()
    {
        var circle = await stack.Client.NewCircleAsync(size: 3);
        var report = await stack.Client.PostAsync("/v1/reports", new { targetType = "nickname", targetId = circle.Others[0].MemberId, reason = "other" }, circle.Owner.AccessToken);
        Assert.Equal(HttpStatusCode.Created, report.Status);

        var page = await stack.Client.GetAsync($"/v1/admin/reports?circleId={circle.Id}&limit=1&offset=5", stack.ModeratorToken());

        AssertEmptyPageOf(page, total: 1);
    }

    [Fact]
    public async Task TheAuditLogPastTheEndReportsTheRealTotal()
    {
        var user = await stack.Client.NewUserAsync();
        Assert.Equal(HttpStatusCode.OK, (await stack.Client.GetAsync($"/v1/admin/users/{user.UserId}", stack.ModeratorToken())).Status);

        var page = await stack.Client.GetAsync($"/v1/admin/audit-log?targetId={user.UserId}&limit=1&offset=5", stack.AdminToken());

        AssertEmptyPageOf(page, total: 1);
    }

    [Fact]
    public async Task TemplatesPastTheEndReportTheRealTotal()
    {
        var user = await stack.Client.NewUserAsync();
        var first = await stack.Client.GetAsync("/v1/templates?limit=1", user.AccessToken);

        var page = await stack.Client.GetAsync("/v1/templates?limit=1&offset=100000", user.AccessToken);

        AssertEmptyPageOf(page, total: first.Meta.GetProperty("pagination").GetProperty("total").GetInt32());
    }

    private static void AssertEmptyPageOf(ApiCall page, int total)
    {
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(0, page.Data.GetArrayLength());
        var pagination = page.Meta.GetProperty("pagination");
        Assert.Equal(total, pagination.GetProperty("total").GetInt32());
        Assert.False(pagination.GetProperty("hasMore").GetBoolean());
    }
}
