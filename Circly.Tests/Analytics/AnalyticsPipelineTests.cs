using System.Net;
using System.Text.Json;
using Circly.Core.Analytics;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Analytics;

/// <summary>
/// From an action to the day's figures: outbox → sweep → queue → analytics_events → aggregation.
/// The sweep, the closing timer and the aggregation work over everything, so this test has a
/// database, an Azurite and an app of its own.
/// </summary>
public sealed class AnalyticsPipelineTests(CirclyStack stack)
{
    [Fact]
    public async Task ActionsBecomeEventsAndTheDaysFiguresTheSameOnEveryRunWithoutAnyVoterOrChoice()
    {
        var database = await stack.Postgres.CreateDatabaseAsync();
        await using var azurite = await AzuriteServer.StartPrivateAsync();
        await using var app = await TestApp.StartAsync(CirclyStack.Settings(database, azurite.ConnectionString));
        await using var connection = new NpgsqlConnection(database);
        var client = app.Client;

        // Four accounts, a circle they all join, a poll everyone votes in, closed by the timer.
        var owner = await client.NewUserAsync();
        var circle = await client.NewCircleAsync(owner, memberCount: 4);
        var templateId = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM question_templates WHERE is_active LIMIT 1");
        var poll = await client.PostAsync("/v1/polls", new { templateId, circleId = circle.Id, deadline = DateTimeOffset.UtcNow.AddHours(2) }, owner.AccessToken);
        var pollId = poll.Data.GetProperty("id").GetGuid();
        var options = (await client.GetAsync($"/v1/polls/{pollId}", owner.AccessToken)).Data.GetProperty("options").EnumerateArray()
            .Select(o => (Id: o.GetProperty("id").GetGuid(), Nickname: o.GetProperty("memberNickname").GetString()!)).ToList();
        foreach (var voter in circle.Members)
        {
            var choice = options.First(o => o.Nickname != voter.Nickname).Id;
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = choice }, voter.AccessToken)).Status);
        }
        await connection.ExecuteAsync("UPDATE polls SET close_after = now() - interval '1 second' WHERE id = @pollId", new { pollId });
        Assert.Equal(HttpStatusCode.Accepted, (await client.RunFunctionAsync("ClosePolls")).StatusCode);

        // 4 accounts, 1 circle, 3 joins, 1 poll created, 4 votes, 1 poll closed: 14 product events.
        await Eventually.TrueAsync(async () =>
        {
            await client.RunFunctionAsync("OutboxSweep");
            return await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM analytics_events") == 14;
        }, TimeSpan.FromSeconds(60), "every product event in analytics_events");

        var service = app.Get<AnalyticsService>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await service.AggregateDayAsync(today, TestContext.Current.CancellationToken);
        var first = await DayAsync(service, today);
        await service.AggregateDayAsync(today, TestContext.Current.CancellationToken);
        var second = await DayAsync(service, today);
        // Once the keys are discarded the pseudonyms cannot be recomputed; the figures come from the stored ones.
        await connection.ExecuteAsync("UPDATE analytics_period_keys SET secret = NULL, discarded_at = now()");
        await service.AggregateDayAsync(today, TestContext.Current.CancellationToken);
        var afterDiscard = await DayAsync(service, today);

        var day = JsonSerializer.Deserialize<DailyMetrics>(first, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal((4, 4, 4, 4), (day.Dau, day.Wau, day.Mau, day.NewAccounts));
        Assert.Equal((1, 1, 1, 4), (day.CirclesActive, day.PollsCreated, day.PollsClosed, day.VotesCast));
        Assert.Equal(new Participation(4, 4, 1.0), day.Participation);
        Assert.Equal(new BandParticipation("2-5", 4, 4, 1.0), day.ParticipationByBand[0]);
        Assert.Equal(first, second);
        Assert.Equal(first, afterDiscard);

        // No voter and no choice: vote rows carry no actor; no row holds a user id, an option id or a voter hash.
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(
            "SELECT count(*)::int FROM analytics_events WHERE event_name = 'vote_cast' AND (actor_week IS NOT NULL OR actor_month IS NOT NULL)"));
        var everything = await connection.ExecuteScalarAsync<string>("SELECT string_agg(a::text, ' ') FROM analytics_events a");
        var hashes = (await connection.QueryAsync<byte[]>("SELECT voter_hash FROM poll_participations WHERE poll_id = @pollId", new { pollId })).ToList();
        Assert.Equal(4, hashes.Count);
        foreach (var secret in circle.Members.Select(m => m.UserId.ToString()).Concat(options.Select(o => o.Id.ToString()))
                     .Concat(hashes.Select(h => "\\x" + Convert.ToHexStringLower(h))))
        {
            Assert.DoesNotContain(secret, everything!, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static async Task<string> DayAsync(AnalyticsService service, DateOnly day) =>
        JsonSerializer.Serialize(Assert.Single((await service.GetMetricsAsync(day, day, TestContext.Current.CancellationToken)).Days),
            new JsonSerializerOptions(JsonSerializerDefaults.Web));
}
