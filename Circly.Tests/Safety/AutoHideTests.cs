using Circly.Core.Circles;
using Circly.Tests.Infrastructure;
using Circly.Tests.Polls;

namespace Circly.Tests.Safety;

/// <summary>A name reported by Reports:AutoHideThreshold (3 on the shared app) distinct members shows as a placeholder to everyone.</summary>
public sealed class AutoHideTests(CirclyStack stack)
{
    [Fact]
    public async Task ANicknameReportedByThreeMembersShowsAsAPlaceholderEverywhere()
    {
        var circle = await stack.Client.NewCircleAsync(size: 5);
        var reported = circle.Others[3];
        var pollId = await stack.NewPollAsync(circle);

        await ReportAsync("nickname", reported.MemberId, circle.Owner, circle.Others[0]);
        Assert.Contains(reported.Nickname, await MemberNicknamesAsync(circle));

        await ReportAsync("nickname", reported.MemberId, circle.Others[1]);

        var placeholder = Placeholders.Nickname(reported.MemberId);
        var members = await MemberNicknamesAsync(circle);
        Assert.Contains(placeholder, members);
        Assert.DoesNotContain(reported.Nickname, members);
        var poll = await stack.Client.GetAsync($"/v1/polls/{pollId}", circle.Others[0].AccessToken);
        var options = poll.Data.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("memberNickname").GetString()).ToList();
        Assert.Contains(placeholder, options);
        Assert.DoesNotContain(reported.Nickname, options);
        var own = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", reported.AccessToken);
        Assert.Equal(placeholder, own.Data.GetProperty("me").GetProperty("nickname").GetString());
    }

    [Fact]
    public async Task ACircleNameReportedByThreeMembersShowsAsAPlaceholderAlsoOnTheInvitePage()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 4, name: "Name to hide");

        await ReportAsync("circle_name", circle.Id, circle.Others[0], circle.Others[1], circle.Others[2]);

        var details = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken);
        Assert.Equal(Placeholders.CircleName, details.Data.GetProperty("name").GetString());
        using var page = await stack.Client.Http.GetAsync($"/join/{circle.InviteCode}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Name to hide", html);
        Assert.Contains(Placeholders.CircleName, html);
    }

    [Fact]
    public async Task TheSameReporterTwiceDoesNotCountTwice()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var reported = circle.Others[2];

        await ReportAsync("nickname", reported.MemberId, circle.Owner, circle.Others[0]);
        await stack.Client.PostAsync("/v1/reports", new { targetType = "nickname", targetId = reported.MemberId, reason = "other" }, circle.Owner.AccessToken);
        await stack.Client.PostAsync("/v1/reports", new { targetType = "member", targetId = reported.MemberId, reason = "other" }, circle.Owner.AccessToken);

        Assert.Contains(reported.Nickname, await MemberNicknamesAsync(circle));
    }

    private async Task ReportAsync(string targetType, Guid targetId, params TestMember[] reporters)
    {
        foreach (var reporter in reporters)
        {
            var call = await stack.Client.PostAsync("/v1/reports", new { targetType, targetId, reason = "inappropriate_name" }, reporter.AccessToken);
            Assert.True(call.Success, call.RawBody);
        }
    }

    private async Task<List<string?>> MemberNicknamesAsync(TestCircle circle)
    {
        var call = await stack.Client.GetAsync($"/v1/circles/{circle.Id}/members", circle.Owner.AccessToken);
        return [.. call.Data.EnumerateArray().Select(m => m.GetProperty("nickname").GetString())];
    }
}
