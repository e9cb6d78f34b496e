using System.Net;
using Circly.Core.Health;
using Circly.Core.Polls;
using Circly.Core.Storage;
using Circly.Tests.Infrastructure;
using Circly.Tests.Polls;
using Dapper;
using Npgsql;

namespace Circly.Tests.Operations;

/// <summary>The app's own metrics and Npgsql's, exported through the telemetry pipeline AddCircly builds.</summary>
[Collection(OperationsCollection.Name)]
public sealed class AppMetricsTests(OperationsStack ops)
{
    private TelemetryCapture Telemetry => ops.Telemetry;

    [Fact]
    public async Task EachPollCreatedAndEachVoteCastIsCountedOnce()
    {
        var pollsBefore = Telemetry.Sum(PollMetrics.PollsCreated);
        var votesBefore = Telemetry.Sum(PollMetrics.VotesCast);
        var circle = await ops.Client.NewCircleAsync(5);
        var pollId = await ops.NewPollAsync(circle);

        foreach (var voter in circle.Members.Skip(1).Take(3))
        {
            var vote = await ops.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await ops.OptionForAsync(pollId, voter) }, voter.AccessToken);
            Assert.Equal(HttpStatusCode.OK, vote.Status);
        }
        var again = await ops.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await ops.OptionForAsync(pollId, circle.Members[1]) }, circle.Members[1].AccessToken);

        Assert.NotEqual(HttpStatusCode.OK, again.Status);
        Assert.Equal(1, Telemetry.Sum(PollMetrics.PollsCreated) - pollsBefore);
        Assert.Equal(3, Telemetry.Sum(PollMetrics.VotesCast) - votesBefore);
    }

    [Fact]
    public async Task TelemetryNeverCarriesAUserDeviceOptionOrNickname()
    {
        var circle = await ops.Client.NewCircleAsync(4);
        var pollId = await ops.NewPollAsync(circle);
        var voter = circle.Members[1];
        var option = await ops.OptionForAsync(pollId, voter);
        var vote = await ops.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = option }, voter.AccessToken);
        Assert.Equal(HttpStatusCode.OK, vote.Status);

        var emitted = Telemetry.AllTagValues();

        // Not vacuous: the requests above were traced (Npgsql's spans) and measured.
        Assert.NotEmpty(Telemetry.Activities());
        Assert.Contains(emitted, value => value.StartsWith("db.", StringComparison.Ordinal));
        var secrets = circle.Members.SelectMany(member => new[]
        {
            member.Session.UserId.ToString(), member.Session.Device.DeviceId, member.MemberId.ToString(), member.Nickname,
        }).Append(option.ToString());
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(emitted, value => value.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task TheBacklogSampleRecordsEachQueuesDepthAndPoisonCountTheOutboxLagAndTheUnconsumedEvents()
    {
        var storage = ops.Api.Get<StorageClients>();
        await storage.Queue(StorageNames.PoisonQueueOf(StorageNames.PushBatchesQueue)).SendMessageAsync("{}");
        await storage.Queue(StorageNames.PushBatchesQueue).SendMessageAsync("{}");
        await using (var connection = new NpgsqlConnection(ops.DatabaseConnectionString))
        {
            await connection.ExecuteAsync("INSERT INTO outbox_events (event_type, payload, created_at) VALUES ('MetricsProbe', '{}', now() - interval '10 minutes')");
            await connection.ExecuteAsync("""
                INSERT INTO outbox_events (event_type, payload, created_at, dispatched_at, attempts) VALUES ('MetricsProbe', '{}', now() - interval '20 minutes', now() - interval '20 minutes', 5)
                """);
        }

        using var response = await ops.Client.RunFunctionAsync("SampleBacklog");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        foreach (var queue in StorageNames.Queues)
        {
            var depth = (await storage.Queue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount;
            var poison = (await storage.Queue(StorageNames.PoisonQueueOf(queue)).GetPropertiesAsync()).Value.ApproximateMessagesCount;
            Assert.Equal(depth, Telemetry.Gauge(BacklogMetrics.QueueDepth, ("queue", queue)));
            Assert.Equal(poison, Telemetry.Gauge(BacklogMetrics.PoisonMessages, ("queue", queue)));
        }
        Assert.True(Telemetry.Gauge(BacklogMetrics.PoisonMessages, ("queue", StorageNames.PushBatchesQueue)) >= 1);
        Assert.InRange(Telemetry.Gauge(BacklogMetrics.OutboxLag) ?? -1, 590, 900);
        Assert.True(Telemetry.Gauge(BacklogMetrics.OutboxUnconsumed) >= 1);
        Assert.InRange(Telemetry.Gauge(BacklogMetrics.OutboxUnconsumedAge) ?? -1, 1190, 1500);
        Assert.True(Telemetry.Gauge(BacklogMetrics.OutboxStuck) >= 1);
    }

    [Fact]
    public async Task NpgsqlConnectionPoolMetricsAreExported()
    {
        var call = await ops.Client.GetWithFunctionKeyAsync("/health/detailed");
        Assert.Equal(HttpStatusCode.OK, call.Status);

        var names = Telemetry.MetricNames();

        Assert.Contains(names, name => name.StartsWith("db.client.connection", StringComparison.Ordinal));
    }
}
