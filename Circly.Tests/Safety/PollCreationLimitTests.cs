using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Circly.Tests.Polls;

namespace Circly.Tests.Safety;

/// <summary>Polls:MaxCreatedPerUserPerHour and Polls:MaxCreatedPerCirclePerHour, on an app of their own.</summary>
public sealed class PollCreationLimitTests(CirclyStack stack)
{
    [Fact]
    public async Task AMemberWhoStartsTooManyPollsGetsA429WithItsOwnCode()
    {
        await using var app = await StartAsync(perUser: 2, perCircle: 100);
        var circle = await app.Client.NewCircleAsync(size: 4);

        var calls = new List<ApiCall>();
        for (var i = 0; i < 3; i++)
        {
            calls.Add(await CreateAsync(app, circle, circle.Owner));
        }
        var someoneElse = await CreateAsync(app, circle, circle.Others[0]);

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], calls.Select(c => c.Status));
        Assert.Equal(ErrorCodes.PollCreationLimit, calls[2].ErrorCode);
        Assert.Contains("You have started 2 polls", calls[2].ErrorMessage);
        Assert.InRange(int.Parse(calls[2].Header("Retry-After")!), 1, 3600);
        Assert.Equal(HttpStatusCode.Created, someoneElse.Status);
    }

    [Fact]
    public async Task ACircleGetsAtMostItsHourlyNumberOfPollsFromAllMembersTogether()
    {
        await using var app = await StartAsync(perUser: 100, perCircle: 3);
        var circle = await app.Client.NewCircleAsync(size: 4);

        var calls = new List<ApiCall>();
        foreach (var member in circle.Members)
        {
            calls.Add(await CreateAsync(app, circle, member));
        }

        Assert.Equal(3, calls.Count(c => c.Status == HttpStatusCode.Created));
        Assert.Equal(ErrorCodes.PollCreationLimit, calls[3].ErrorCode);
        Assert.Contains("This circle has had 3 polls", calls[3].ErrorMessage);
    }

    private async Task<TestApp> StartAsync(int perUser, int perCircle)
    {
        var settings = stack.Settings();
        settings["Polls:MaxCreatedPerUserPerHour"] = perUser.ToString();
        settings["Polls:MaxCreatedPerCirclePerHour"] = perCircle.ToString();
        return await TestApp.StartAsync(settings);
    }

    private async Task<ApiCall> CreateAsync(TestApp app, TestCircle circle, TestMember creator) =>
        await app.Client.PostAsync("/v1/polls", new
        {
            templateId = await stack.RandomTemplateAsync(),
            circleId = circle.Id,
            deadline = DateTimeOffset.UtcNow + TimeSpan.FromHours(2),
        }, creator.AccessToken);
}
