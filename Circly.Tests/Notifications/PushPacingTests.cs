using Circly.Core.Notifications;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Notifications;

/// <summary>Expo's per-second limit holds for the app as a whole, however many instances send.</summary>
[Collection(PushPipelineCollection.Name)]
public sealed class PushPacingTests(CirclyStack stack, PushStack push)
{
    private const int PerSecond = 50;

    [Fact]
    public async Task TwoInstancesSendingAtOnceStayUnderMaxPerSecondTogether()
    {
        // One message at a time per instance, so that both instances take part; each sends with its
        // own access token so the test server can tell them apart.
        await using var first = await push.StartAppAsync(stack, settings => Pace(settings, "instance-a"));
        await using var second = await push.StartAppAsync(stack, settings => Pace(settings, "instance-b"));
        var devices = PushStack.NewDevices(300);
        var tokens = devices.Select(d => d.Token).ToArray();

        foreach (var batch in devices.Chunk(50))
        {
            await push.EnqueueAsync(PushStack.Batch(batch));
        }

        await Eventually.TrueAsync(() => tokens.All(t => push.Expo.Delivered(t).Count > 0), TimeSpan.FromSeconds(60), "300 paced pushes");
        var perSecondSeen = push.Expo.PerSecond(tokens);
        Assert.True(perSecondSeen.Values.Max() <= PerSecond, $"{perSecondSeen.Values.Max()} notifications arrived in one second");
        Assert.True(perSecondSeen.Count >= 6, $"300 notifications arrived within {perSecondSeen.Count} seconds");
        var calls = push.Expo.SendsTo(tokens);
        // Six seconds' budgets: from the first second's to the sixth's, whatever the phase, more than four seconds pass.
        Assert.True(calls[^1].At - calls[0].At > TimeSpan.FromSeconds(4), $"first to last call took {(calls[^1].At - calls[0].At).TotalSeconds:0.0} s");
        Assert.Equal(["Bearer instance-a", "Bearer instance-b"], calls.Select(c => c.Authorization).Distinct().Order());
        Assert.All(calls, c => Assert.Equal(200, c.Status));
        Assert.All(tokens, t => Assert.Single(push.Expo.Delivered(t)));
    }

    [Fact]
    public async Task WhileASenderWaitsForPacingOnlyTheChunkInFlightIsClaimed()
    {
        // Its own database: the per-second budget lives there, and the test reads the claims table.
        var database = await stack.Postgres.CreateDatabaseAsync();
        // A fifth of a batch per second: the batch takes five seconds' budgets.
        await using var app = await StartPacedSenderAsync(database, settings => settings["Expo:MaxPerSecond"] = (PushBatches.MaxMessages / 5).ToString());
        var devices = PushStack.NewDevices(PushBatches.MaxMessages);
        var batch = PushStack.Batch(devices);

        var sending = app.Get<PushSender>().SendAsync(batch, CancellationToken.None);
        await Eventually.TrueAsync(() => devices.Any(d => push.Expo.Delivered(d.Token).Count > 0), TimeSpan.FromSeconds(30), "the first paced chunk");

        // A sender killed now (waiting for the next second's permits) leaves claimed-and-unsent at most
        // the chunk in flight, not the rest of its batch: those would never be sent by anyone.
        await using (var connection = new NpgsqlConnection(database))
        {
            var unanswered = await connection.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM push_claims WHERE event_id = @eventId AND status = 'sending'", new { eventId = batch.EventId });
            Assert.InRange(unanswered, 0, PushBatches.MaxMessages / 5);
        }
        var report = await sending;
        Assert.Equal(PushBatches.MaxMessages, report.Accepted);
        Assert.All(devices, d => Assert.Single(push.Expo.Delivered(d.Token)));
    }

    [Fact]
    public async Task AChunkWhosePacingSecondClosedWhileItWaitedForAConnectionIsSentUnderTheNextSecondsPermits()
    {
        // Its own database: the test reads the per-second counters.
        var database = await stack.Postgres.CreateDatabaseAsync();
        await using var app = await StartPacedSenderAsync(database, settings => settings["Expo:MaxConcurrentRequests"] = "1");
        var devices = PushStack.NewDevices(PerSecond);
        var tokens = devices.Select(d => d.Token).ToArray();

        // The instance's only connection to Expo is busy for longer than a second: the sender takes
        // its permits and claims, then waits for the connection while their second closes.
        var gate = app.Get<ExpoGate>().Slots;
        await gate.WaitAsync();
        var sending = app.Get<PushSender>().SendAsync(PushStack.Batch(devices), CancellationToken.None);
        await using (var connection = new NpgsqlConnection(database))
        {
            await Eventually.TrueAsync(async () => await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM push_claims") == PerSecond,
                TimeSpan.FromSeconds(30), "the chunk claimed");
            await Eventually.TrueAsync(async () => await connection.ExecuteScalarAsync<bool>(
                    "SELECT clock_timestamp() >= date_trunc('second', max(created_at)) + interval '1 second' FROM push_claims"),
                TimeSpan.FromSeconds(30), "the permits' second over");
        }
        gate.Release();
        var report = await sending;

        Assert.Equal(PerSecond, report.Accepted);
        var call = Assert.Single(push.Expo.SendsTo(tokens));
        // The second in which Expo got the call (the database and the test server share this machine's
        // clock) had these permits taken: sent under the closed second's, it would have used budget
        // that other senders hold.
        await using (var connection = new NpgsqlConnection(database))
        {
            var permitsOfThatSecond = await connection.ExecuteScalarAsync<int?>(
                "SELECT hits FROM rate_limit_counters WHERE bucket = 'permits:' || @bucket AND window_start = date_trunc('second', @at)",
                new { bucket = PushSender.PacingBucket, at = call.At });
            Assert.True(permitsOfThatSecond >= PerSecond, $"the second Expo got the call in had {permitsOfThatSecond?.ToString() ?? "no"} permits taken");
        }
    }

    /// <summary>A paced app on its own database, with no queue consumers: the test calls the sender itself.</summary>
    private Task<TestApp> StartPacedSenderAsync(string database, Action<Dictionary<string, string?>> configure) =>
        push.StartAppAsync(stack, settings =>
        {
            Pace(settings, PushStack.AccessToken);
            settings["Database:ConnectionString"] = database;
            settings["Database:MigrationConnectionString"] = PostgresServer.AsOwner(database);
            settings["Database:MigrateOnStartup"] = "true";
            settings["DevHost:RunQueues"] = "false";
            configure(settings);
        });

    private static void Pace(Dictionary<string, string?> settings, string accessToken)
    {
        settings["Expo:MaxPerSecond"] = PerSecond.ToString();
        settings["Expo:PacingMargin"] = "00:00:00.250";
        settings["Expo:AccessToken"] = accessToken;
        // One message at a time per instance: host.json's newBatchThreshold (8) would let the
        // instance that polls first take every batch before the other polls.
        settings["AzureFunctionsJobHost:extensions:queues:batchSize"] = "1";
        settings["AzureFunctionsJobHost:extensions:queues:newBatchThreshold"] = "0";
    }
}
