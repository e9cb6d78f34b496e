using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Circly.Tests.Polls;

namespace Circly.Tests.Safety;

/// <summary>POST /v1/reports: what members can report, once each, and what the moderators' queue receives.</summary>
public sealed class ReportTests(CirclyStack stack)
{
    [Fact]
    public async Task AReportReachesTheModeratorsQueueWithoutNamingTheReporter()
    {
        var circle = await stack.Client.NewCircleAsync(size: 3);
        var (reporter, reported) = (circle.Others[0], circle.Others[1]);

        var call = await stack.Client.PostAsync("/v1/reports", new
        {
            targetType = "member", targetId = reported.MemberId, reason = "bullying", details = "Keeps posting mean polls about me.",
        }, reporter.AccessToken);

        Assert.Equal(HttpStatusCode.Created, call.Status);
        Assert.Equal("received", call.Data.GetProperty("status").GetString());
        var reportId = call.Data.GetProperty("id").GetGuid();
        var queue = await stack.Client.GetAsync($"/v1/admin/reports?circleId={circle.Id}", stack.ModeratorToken());
        Assert.Equal(HttpStatusCode.OK, queue.Status);
        var item = Assert.Single(queue.Data.EnumerateArray());
        Assert.Equal(reportId, item.GetProperty("id").GetGuid());
        Assert.Equal("member", item.GetProperty("targetType").GetString());
        Assert.Equal(reported.MemberId, item.GetProperty("targetId").GetGuid());
        Assert.Equal("bullying", item.GetProperty("reason").GetString());
        Assert.Equal("Keeps posting mean polls about me.", item.GetProperty("details").GetString());
        Assert.Equal("pending", item.GetProperty("status").GetString());
        Assert.DoesNotContain(reporter.UserId.ToString(), queue.RawBody);
        Assert.DoesNotContain(reporter.MemberId.ToString(), queue.RawBody);
        Assert.DoesNotContain("reporter", queue.RawBody, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheSameReporterReportsTheSameTargetOnce()
    {
        var circle = await stack.Client.NewCircleAsync(size: 3);
        var body = new { targetType = "circle_name", targetId = circle.Id, reason = "inappropriate_name" };

        var first = await stack.Client.PostAsync("/v1/reports", body, circle.Others[0].AccessToken);
        var again = await stack.Client.PostAsync("/v1/reports", body with { reason = "other" }, circle.Others[0].AccessToken);
        var someoneElse = await stack.Client.PostAsync("/v1/reports", body, circle.Others[1].AccessToken);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal(ErrorCodes.ReportAlreadySubmitted, again.ErrorCode);
        Assert.Equal(HttpStatusCode.Created, someoneElse.Status);
    }

    [Theory]
    [InlineData("poll")]
    [InlineData("circle")]
    [InlineData("nickname")]
    public async Task EveryKindOfTargetCanBeReportedByAMemberWhoSeesIt(string targetType)
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var target = targetType switch
        {
            "poll" => await stack.NewPollAsync(circle),
            "circle" => circle.Id,
            _ => circle.Owner.MemberId,
        };

        var call = await stack.Client.PostAsync("/v1/reports", new { targetType, targetId = target, reason = "other" }, circle.Others[0].AccessToken);

        Assert.Equal(HttpStatusCode.Created, call.Status);
    }

    [Theory]
    [InlineData("poll", ErrorCodes.PollNotFound)]
    [InlineData("circle", ErrorCodes.CircleNotFound)]
    [InlineData("member", ErrorCodes.NotFound)]
    public async Task WhatTheReporterCannotSeeCannotBeReported(string targetType, string code)
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var outsider = await stack.Client.NewUserAsync();
        var target = targetType switch
        {
            "poll" => await stack.NewPollAsync(circle),
            "circle" => circle.Id,
            _ => circle.Others[0].MemberId,
        };

        var call = await stack.Client.PostAsync("/v1/reports", new { targetType, targetId = target, reason = "bullying" }, outsider.AccessToken);

        Assert.Equal(code, call.ErrorCode);
    }

    [Theory]
    [InlineData("{\"targetType\":\"member\",\"reason\":\"bullying\"}", ErrorCodes.ValidationRequired, "targetId")]
    [InlineData("{\"targetType\":\"user\",\"targetId\":\"00000000-0000-0000-0000-000000000001\",\"reason\":\"bullying\"}", ErrorCodes.ValidationInvalidFormat, "targetType")]
    [InlineData("{\"targetType\":\"member\",\"targetId\":\"00000000-0000-0000-0000-000000000001\",\"reason\":\"spam\"}", ErrorCodes.ValidationInvalidFormat, "reason")]
    [InlineData("{\"targetType\":\"member\",\"targetId\":\"00000000-0000-0000-0000-000000000001\"}", ErrorCodes.ValidationRequired, "reason")]
    public async Task TargetsAndReasonsComeFromFixedLists(string body, string code, string field)
    {
        var session = await stack.Client.NewUserAsync();

        var call = await stack.Client.SendRawAsync(HttpMethod.Post, "/v1/reports", body, session.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(code, call.ErrorCode);
        Assert.Equal(field, call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
    }

    [Fact]
    public async Task DetailsAreShortTextForModeratorsOnly()
    {
        var circle = await stack.Client.NewCircleAsync(size: 2);

        var call = await stack.Client.PostAsync("/v1/reports", new
        {
            targetType = "member", targetId = circle.Owner.MemberId, reason = "other", details = new string('x', 501),
        }, circle.Others[0].AccessToken);

        Assert.Equal(ErrorCodes.ValidationOutOfRange, call.ErrorCode);
    }

    [Fact]
    public async Task ReportsAreRateLimitedPerUser()
    {
        var settings = stack.Settings();
        settings["Reports:MaxPerUserPerHour"] = "2";
        await using var app = await TestApp.StartAsync(settings);
        var circle = await app.Client.NewCircleAsync(size: 4);
        var reporter = circle.Owner;

        var calls = new List<ApiCall>();
        foreach (var member in circle.Others)
        {
            calls.Add(await app.Client.PostAsync("/v1/reports", new { targetType = "nickname", targetId = member.MemberId, reason = "other" }, reporter.AccessToken));
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], calls.Select(c => c.Status));
        Assert.Equal(ErrorCodes.RateLimitExceeded, calls[2].ErrorCode);
        Assert.NotNull(calls[2].Header("Retry-After"));
    }
}
