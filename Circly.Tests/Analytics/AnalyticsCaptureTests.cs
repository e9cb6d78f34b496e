using System.Net;
using System.Text.Json;
using Circly.Core.Outbox;
using Circly.Tests.Infrastructure;
using Circly.Tests.Polls;
using Dapper;
using Npgsql;

namespace Circly.Tests.Analytics;

/// <summary>
/// Each product action writes its analytics event to the outbox in the change's own transaction or
/// statement (the outbox delivers it to the analytics store; AnalyticsPipelineTests follow it there).
/// The shared app runs no sweep, so the rows are found in outbox_events by this test's own ids.
/// </summary>
public sealed class AnalyticsCaptureTests(CirclyStack stack)
{
    [Fact]
    public async Task AccountsCirclesJoinsAndLeavesEachWriteTheirEvent()
    {
        var circle = await stack.Client.NewCircleAsync(size: 3);
        var leaver = circle.Others[1];

        var left = await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, leaver.AccessToken);

        Assert.Equal(HttpStatusCode.OK, left.Status);
        foreach (var member in circle.Members)
        {
            Assert.Single(await EventsAsync(OutboxEventTypes.AccountCreated, "userId", member.UserId));
        }
        var created = Assert.Single(await EventsAsync(OutboxEventTypes.CircleCreated, "circleId", circle.Id));
        Assert.Equal(circle.Owner.UserId, created.GetProperty("userId").GetGuid());
        var joined = await EventsAsync(OutboxEventTypes.CircleJoined, "circleId", circle.Id);
        Assert.Equal(circle.Others.Select(m => m.UserId).Order(), joined.Select(j => j.GetProperty("userId").GetGuid()).Order());
        var leaving = Assert.Single(await EventsAsync(OutboxEventTypes.CircleLeft, "circleId", circle.Id));
        Assert.Equal(leaver.UserId, leaving.GetProperty("userId").GetGuid());
    }

    [Fact]
    public async Task AVoteWritesAnEventInItsOwnStatementNamingOnlyThePollAndItsCircleToTheMinute()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        var voter = circle.Others[0];
        var optionId = await stack.OptionForAsync(pollId, voter);

        var vote = await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId }, voter.AccessToken);
        var again = await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId }, voter.AccessToken);

        Assert.Equal(HttpStatusCode.OK, vote.Status);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var rows = (await connection.QueryAsync<(string Payload, DateTime CreatedAt)>(
            "SELECT payload::text, created_at FROM outbox_events WHERE event_type = 'VoteCast' AND payload->>'pollId' = @poll",
            new { poll = pollId.ToString() })).ToList();
        var row = Assert.Single(rows);
        using var payload = JsonDocument.Parse(row.Payload);
        Assert.Equal(["circleId", "pollId"], payload.RootElement.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(circle.Id, payload.RootElement.GetProperty("circleId").GetGuid());
        Assert.Equal(0, row.CreatedAt.Second);
        Assert.Equal(0, row.CreatedAt.Millisecond);
        Assert.DoesNotContain(voter.UserId.ToString(), row.Payload, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(optionId.ToString(), row.Payload, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PollsReportsTheirResolutionAndInboxReadsWriteTheirEvents()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        var reporter = circle.Others[0];
        // The new poll reaches the reporter's inbox through the fan-out; reading it is an event.
        await Eventually.TrueAsync(async () => (await stack.Client.GetAsync("/v1/notifications", reporter.AccessToken)).Data
            .GetProperty("items").GetArrayLength() > 0, TimeSpan.FromSeconds(30), "the new poll in the inbox");
        var report = await stack.Client.PostAsync("/v1/reports", new { targetType = "poll", targetId = pollId, reason = "other" }, reporter.AccessToken);
        var reportId = report.Data.GetProperty("id").GetGuid();
        var action = await stack.Client.PostAsync($"/v1/admin/reports/{reportId}/actions", new { action = "dismiss", reason = "fine" }, stack.ModeratorToken());
        var readAll = await stack.Client.PostAsync("/v1/notifications/read-all", null, reporter.AccessToken);

        Assert.Equal(HttpStatusCode.OK, action.Status);
        Assert.Equal(HttpStatusCode.OK, readAll.Status);
        var created = Assert.Single(await EventsAsync(OutboxEventTypes.PollCreated, "pollId", pollId));
        Assert.Equal(circle.Owner.UserId, created.GetProperty("creatorUserId").GetGuid());
        var filed = Assert.Single(await EventsAsync(OutboxEventTypes.ReportFiled, "userId", reporter.UserId));
        Assert.Equal(circle.Id, filed.GetProperty("circleId").GetGuid());
        var opened = Assert.Single(await EventsAsync(OutboxEventTypes.NotificationOpened, "userId", reporter.UserId));
        Assert.Equal(readAll.Data.GetProperty("marked").GetInt32(), opened.GetProperty("count").GetInt32());
        Assert.True(opened.GetProperty("count").GetInt32() > 0);
        // The dismissal resolved exactly this report, in the audit entry's transaction.
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var resolvedWithTheAction = await connection.ExecuteScalarAsync<int>("""
            SELECT count(*)::int FROM outbox_events o, reports r
            WHERE r.id = @reportId AND o.event_type = 'ReportsResolved' AND (o.payload->>'count')::int = 1
              AND o.created_at = r.reviewed_at
            """, new { reportId });
        Assert.Equal(1, resolvedWithTheAction);
    }

    private async Task<List<JsonElement>> EventsAsync(string type, string key, Guid value)
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var payloads = await connection.QueryAsync<string>("SELECT payload::text FROM outbox_events WHERE event_type = @type AND payload->>@key = @value",
            new { type, key, value = value.ToString() });
        return [.. payloads.Select(p => JsonDocument.Parse(p).RootElement.Clone())];
    }
}
