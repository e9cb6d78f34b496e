using System.Net;
using System.Text;
using Circly.Core.Notifications;
using Circly.Core.Storage;
using Circly.Tests.Infrastructure;
using Circly.Tests.Polls;
using Dapper;
using Npgsql;

namespace Circly.Tests.Notifications;

/// <summary>
/// An outbox event is delivered when its consumers have finished with it (the fan-out, then the
/// push sender with every batch), not when a queue took it: an event whose message or push batch is
/// lost is dispatched again by the sweep, and every recipient still gets exactly one inbox entry and
/// one push. Each test has its own database, since the sweep it runs is global.
/// </summary>
[Collection(PushPipelineCollection.Name)]
public sealed class OutboxRedeliveryTests(CirclyStack stack, PushStack push)
{
    private sealed record EventState(Guid Id, DateTimeOffset? DispatchedAt, DateTimeOffset? ConsumedAt, int Attempts);

    [Fact]
    public async Task AnEventWhoseQueueMessageIsLostAfterDispatchIsDispatchedAgainAndReachesEveryoneOnce()
    {
        var database = await stack.Postgres.CreateDatabaseAsync();
        // The writer consumes nothing, so the message sits on the queue until the test takes it away.
        await using var writer = await StartAppAsync(database, runQueues: false);
        var circle = await writer.Client.NewCircleAsync(size: 4);
        var tokens = await FanOutTests.RegisterTokensAsync(writer, circle.Others);
        var pollId = await CreatePollAsync(writer, database, circle);
        var dispatched = await EventOfAsync(database, pollId);
        Assert.NotNull(dispatched.DispatchedAt);
        Assert.Null(dispatched.ConsumedAt);

        // The store loses the accepted message (Azurite killed before it persisted its queue).
        await push.Queue(StorageNames.OutboxEventsQueue).ClearMessagesAsync();
        await Eventually.TrueAsync(async () => await DispatchedLongerAgoThanAsync(database, dispatched.Id, TimeSpan.FromSeconds(1)),
            TimeSpan.FromSeconds(30), "the redelivery bound to pass");
        using (var sweep = await writer.Client.RunFunctionAsync("OutboxSweep"))
        {
            Assert.Equal(HttpStatusCode.Accepted, sweep.StatusCode);
        }
        Assert.Equal(2, (await EventOfAsync(database, pollId)).Attempts);

        await using var consumer = await StartAppAsync(database, runQueues: true);
        await Eventually.TrueAsync(async () => (await EventOfAsync(database, pollId)).ConsumedAt is not null, TimeSpan.FromSeconds(60), "the event to be consumed");
        await Eventually.TrueAsync(() => tokens.Values.All(t => push.Expo.Delivered(t).Count == 1), TimeSpan.FromSeconds(60), "one push each");
        await push.WaitUntilQueueIsEmptyAsync();
        Assert.All(tokens.Values, t => Assert.Single(push.Expo.Delivered(t)));
        Assert.Equal(new[] { 1, 1, 1 }, await FanOutTests.InboxCountsAsync(consumer, circle.Others));

        // Consumed: the next sweeps leave it alone.
        await Eventually.TrueAsync(async () => await DispatchedLongerAgoThanAsync(database, dispatched.Id, TimeSpan.FromSeconds(1)),
            TimeSpan.FromSeconds(30), "the redelivery bound to pass again");
        using (var again = await writer.Client.RunFunctionAsync("OutboxSweep"))
        {
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        }
        Assert.Equal(2, (await EventOfAsync(database, pollId)).Attempts);
    }

    [Fact]
    public async Task AnEventWhosePushBatchIsLostAfterTheFanOutStaysUnconsumedAndItsRedeliveryPushesEveryoneOnce()
    {
        var database = await stack.Postgres.CreateDatabaseAsync();
        await using var writer = await StartAppAsync(database, runQueues: false);
        var circle = await writer.Client.NewCircleAsync(size: 4);
        var tokens = await FanOutTests.RegisterTokensAsync(writer, circle.Others);
        var pollId = await CreatePollAsync(writer, database, circle);

        // The fan-out runs (its inbox entries written, its push batch queued) and the store then loses the batch.
        // The collection's queue may still hold messages an earlier test's app dispatched and never consumed: take this event's own.
        var outboxQueue = push.Queue(StorageNames.OutboxEventsQueue);
        var eventId = (await EventOfAsync(database, pollId)).Id.ToString();
        var taken = (await outboxQueue.ReceiveMessagesAsync(32)).Value
            .Single(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Body.ToString())).Contains(eventId, StringComparison.OrdinalIgnoreCase));
        await outboxQueue.DeleteMessageAsync(taken.MessageId, taken.PopReceipt);
        using (var fanOut = await writer.Client.RunFunctionAsync("FanOutEvent", Encoding.UTF8.GetString(Convert.FromBase64String(taken.Body.ToString()))))
        {
            Assert.Equal(HttpStatusCode.Accepted, fanOut.StatusCode);
        }
        await push.Queue(StorageNames.PushBatchesQueue).ClearMessagesAsync();
        Assert.Null((await EventOfAsync(database, pollId)).ConsumedAt);
        Assert.Equal(new[] { 1, 1, 1 }, await FanOutTests.InboxCountsAsync(writer, circle.Others));

        await Eventually.TrueAsync(async () => await DispatchedLongerAgoThanAsync(database, (await EventOfAsync(database, pollId)).Id, TimeSpan.FromSeconds(1)),
            TimeSpan.FromSeconds(30), "the redelivery bound to pass");
        using (var sweep = await writer.Client.RunFunctionAsync("OutboxSweep"))
        {
            Assert.Equal(HttpStatusCode.Accepted, sweep.StatusCode);
        }
        await using var consumer = await StartAppAsync(database, runQueues: true);
        await Eventually.TrueAsync(async () => (await EventOfAsync(database, pollId)).ConsumedAt is not null, TimeSpan.FromSeconds(60), "the event to be consumed");
        await push.WaitUntilQueueIsEmptyAsync();

        Assert.All(tokens.Values, t => Assert.Single(push.Expo.Delivered(t)));
        Assert.Equal(new[] { 1, 1, 1 }, await FanOutTests.InboxCountsAsync(consumer, circle.Others));
    }

    [Fact]
    public async Task APushBatchThatComesBackAfterItWasDoneSendsNothingEvenWhenItsClaimsAreGone()
    {
        var database = await stack.Postgres.CreateDatabaseAsync();
        await using var app = await StartAppAsync(database, runQueues: true);
        var circle = await app.Client.NewCircleAsync(size: 4);
        var tokens = await FanOutTests.RegisterTokensAsync(app, circle.Others);
        var pollId = await CreatePollAsync(app, database, circle);
        await Eventually.TrueAsync(async () => (await EventOfAsync(database, pollId)).ConsumedAt is not null, TimeSpan.FromSeconds(60), "the first delivery");
        Assert.All(tokens.Values, t => Assert.Single(push.Expo.Delivered(t)));

        // A store killed before it persisted loses the batch message's deletion and the claims written with it.
        var outboxEvent = await EventOfAsync(database, pollId);
        Guid batchId;
        DateTimeOffset createdAt;
        await using (var connection = new NpgsqlConnection(database))
        {
            batchId = await connection.QuerySingleAsync<Guid>("SELECT batch_id FROM outbox_event_batches WHERE event_id = @id", new { id = outboxEvent.Id });
            createdAt = await connection.QuerySingleAsync<DateTimeOffset>("SELECT created_at FROM outbox_events WHERE id = @id", new { id = outboxEvent.Id });
        }
        await using (var connection = new NpgsqlConnection(database))
        {
            Assert.Equal(tokens.Count, await connection.ExecuteAsync("DELETE FROM push_claims WHERE event_id = @id", new { id = outboxEvent.Id }));
        }
        await push.EnqueueAsync(new PushBatch(batchId, outboxEvent.Id, tokens.Select(t => new PushMessage(t.Key, t.Value, "New poll in your circle 🗳️", "Who?",
            new Dictionary<string, string> { ["pollId"] = pollId.ToString(), ["type"] = NotificationTypes.PollCreated })).ToList(), createdAt));
        await push.WaitUntilQueueIsEmptyAsync();

        Assert.All(tokens.Values, t => Assert.Single(push.Expo.Delivered(t)));
        // The batch's figures reached analytics once, when it was first done.
        await using var figures = new NpgsqlConnection(database);
        var sent = (await figures.QueryAsync<int>("SELECT (payload->>'sent')::int FROM outbox_events WHERE event_type = 'PushSent'")).ToList();
        Assert.Equal(tokens.Count, Assert.Single(sent));
    }

    [Fact]
    public async Task AFanOutRunAgainAfterItsWorkWasDoneButBeforeItWasMarkedConsumedSendsNothingTwice()
    {
        var database = await stack.Postgres.CreateDatabaseAsync();
        await using var app = await StartAppAsync(database, runQueues: true);
        var circle = await app.Client.NewCircleAsync(size: 5);
        var tokens = await FanOutTests.RegisterTokensAsync(app, circle.Others);
        var pollId = await CreatePollAsync(app, database, circle);
        await FirstDeliveryDoneAsync(database, pollId, tokens);

        // The worker was killed after the fan-out's work and before its last step.
        await RunFanOutAgainAsync(app, database, pollId);
        await push.WaitUntilQueueIsEmptyAsync();

        Assert.Equal(2, (await EventOfAsync(database, pollId)).Attempts);
        Assert.All(tokens.Values, t => Assert.Single(push.Expo.Delivered(t)));
        Assert.Equal(new[] { 1, 1, 1, 1 }, await FanOutTests.InboxCountsAsync(app, circle.Others));
    }

    [Fact]
    public async Task AnEventRedeliveredAfterStorageLostEverythingOfItPushesNothingTwice()
    {
        var database = await stack.Postgres.CreateDatabaseAsync();
        await using var app = await StartAppAsync(database, runQueues: true);
        var circle = await app.Client.NewCircleAsync(size: 5);
        var tokens = await FanOutTests.RegisterTokensAsync(app, circle.Others);
        var pollId = await CreatePollAsync(app, database, circle);
        await FirstDeliveryDoneAsync(database, pollId, tokens);

        // Azurite killed before it persisted its last seconds (issue 17, scenario 2): its messages are
        // gone, and the event comes back as if never consumed.
        await ForgetQueuedMessagesAsync();
        await RunFanOutAgainAsync(app, database, pollId);
        await push.WaitUntilQueueIsEmptyAsync();

        Assert.All(tokens.Values, t => Assert.Single(push.Expo.Delivered(t)));
    }

    [Fact]
    public async Task AFanOutRunAgainForOneEventSpendsTheDailyCapOnce()
    {
        var database = await stack.Postgres.CreateDatabaseAsync();
        await using var app = await StartAppAsync(database, runQueues: true);
        var circle = await app.Client.NewCircleAsync(size: 4);
        var (capped, normal) = (circle.Others[0], circle.Others[1]);
        var tokens = await FanOutTests.RegisterTokensAsync(app, [capped, normal]);
        Assert.True((await app.Client.PutAsync("/v1/notifications/settings", new { maxPerDay = 2, timeZone = "UTC" }, capped.AccessToken)).Success);

        var first = await CreatePollAsync(app, database, circle);
        await Eventually.TrueAsync(async () => (await EventOfAsync(database, first)).ConsumedAt is not null, TimeSpan.FromSeconds(60), "the first delivery");
        await RunFanOutAgainAsync(app, database, first);
        var second = await CreatePollAsync(app, database, circle);
        await Eventually.TrueAsync(async () => (await EventOfAsync(database, second)).ConsumedAt is not null, TimeSpan.FromSeconds(60), "the second delivery");
        await Eventually.TrueAsync(() => push.Expo.Delivered(tokens[normal.UserId]).Count == 2, TimeSpan.FromSeconds(60), "the second poll's pushes");
        await push.WaitUntilQueueIsEmptyAsync();

        // Two events, two pushes: the re-run of the first did not take the second's place under the cap.
        Assert.Equal(2, push.Expo.Delivered(tokens[capped.UserId]).Count);
    }

    [Fact]
    public async Task AnEventNeverConsumedIsDispatchedAtMostMaxDispatchesTimesThenReportedStuck()
    {
        var database = await stack.Postgres.CreateDatabaseAsync();
        await using var app = await StartAppAsync(database, runQueues: false, maxDispatches: 2);
        var circle = await app.Client.NewCircleAsync(size: 4);
        var pollId = await CreatePollAsync(app, database, circle);
        var queue = push.Queue(StorageNames.OutboxEventsQueue);

        for (var sweeps = 0; sweeps < 3; sweeps++)
        {
            await queue.ClearMessagesAsync();
            await Eventually.TrueAsync(async () => await DispatchedLongerAgoThanAsync(database, (await EventOfAsync(database, pollId)).Id, TimeSpan.FromSeconds(1)),
                TimeSpan.FromSeconds(30), "the redelivery bound to pass");
            using var sweep = await app.Client.RunFunctionAsync("OutboxSweep");
            Assert.Equal(HttpStatusCode.Accepted, sweep.StatusCode);
        }

        Assert.Equal(2, (await EventOfAsync(database, pollId)).Attempts);
        var health = await app.Client.GetWithFunctionKeyAsync("/health/detailed");
        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.Equal("degraded", health.Data.GetProperty("status").GetString());
        var outbox = health.Data.GetProperty("outbox");
        Assert.Equal("degraded", outbox.GetProperty("status").GetString());
        // The account and circle events of the set-up (analytics) are unconsumed too; the poll's is stuck.
        Assert.True(outbox.GetProperty("stuck").GetInt64() >= 1);
        Assert.True(outbox.GetProperty("unconsumed").GetInt64() >= outbox.GetProperty("stuck").GetInt64());
        Assert.Equal(0, outbox.GetProperty("pending").GetInt64());
        Assert.True(outbox.GetProperty("oldestUnconsumedSeconds").GetDouble() >= 2);
    }

    [Fact]
    public async Task DetailedHealthCountsEventsDispatchedButNotConsumedAndTheOldestOnesAge()
    {
        var database = await stack.Postgres.CreateDatabaseAsync();
        await using var app = await StartAppAsync(database, runQueues: false);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.ExecuteAsync("""
                INSERT INTO outbox_events (event_type, payload, created_at, dispatched_at, attempts, consumed_at) VALUES
                  ('HealthProbe', '{}', now() - interval '20 minutes', now() - interval '20 minutes', 1, NULL),
                  ('HealthProbe', '{}', now() - interval '3 minutes', now() - interval '3 minutes', 1, NULL),
                  ('HealthProbe', '{}', now() - interval '1 hour', now() - interval '1 hour', 1, now() - interval '1 hour'),
                  ('HealthProbe', '{}', now() - interval '2 minutes', NULL, 0, NULL)
                """);
        }

        var health = await app.Client.GetWithFunctionKeyAsync("/health/detailed");

        // Overall health is not asserted: the push stack's poison queue may hold other tests' messages.
        Assert.Equal(HttpStatusCode.OK, health.Status);
        var outbox = health.Data.GetProperty("outbox");
        Assert.Equal("healthy", outbox.GetProperty("status").GetString());
        Assert.Equal(2, outbox.GetProperty("unconsumed").GetInt64());
        Assert.InRange(outbox.GetProperty("oldestUnconsumedSeconds").GetDouble(), 1190, 1500);
        Assert.Equal(1, outbox.GetProperty("pending").GetInt64());
        Assert.InRange(outbox.GetProperty("oldestPendingSeconds").GetDouble(), 110, 400);
        Assert.Equal(0, outbox.GetProperty("stuck").GetInt64());
    }

    /// <summary>An app of the push stack on its own database, with a one-second redelivery bound.</summary>
    private async Task<TestApp> StartAppAsync(string database, bool runQueues, int maxDispatches = 5)
    {
        // Without a consumer nothing creates the queue, and a dispatch to a missing queue fails.
        await push.Queue(StorageNames.OutboxEventsQueue).CreateIfNotExistsAsync();
        return await push.StartAppAsync(stack, settings =>
        {
            settings["Database:ConnectionString"] = database;
            settings["Database:MigrationConnectionString"] = PostgresServer.AsOwner(database);
            settings["Database:MigrateOnStartup"] = "true";
            settings["DevHost:RunQueues"] = runQueues ? "true" : "false";
            settings["Outbox:RedeliverAfter"] = "00:00:01";
            settings["Outbox:MaxDispatches"] = maxDispatches.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
    }

    /// <summary>
    /// The worker was killed after the event's fan-out and before it was marked consumed: the sweep
    /// dispatches it again and a new fan-out runs (new batches), as after a lost Storage.
    /// </summary>
    private static async Task RunFanOutAgainAsync(TestApp app, string database, Guid pollId)
    {
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.ExecuteAsync("UPDATE outbox_events SET consumed_at = NULL, dispatched_at = now() - interval '1 minute' WHERE payload->>'pollId' = @id",
                new { id = pollId.ToString() });
        }
        using (var sweep = await app.Client.RunFunctionAsync("OutboxSweep"))
        {
            Assert.Equal(HttpStatusCode.Accepted, sweep.StatusCode);
        }
        await Eventually.TrueAsync(async () => (await EventOfAsync(database, pollId)).ConsumedAt is not null, TimeSpan.FromSeconds(60), "the event's redelivery");
    }

    /// <summary>The poll's event consumed and every device pushed once: the first delivery is over.</summary>
    private async Task FirstDeliveryDoneAsync(string database, Guid pollId, Dictionary<Guid, string> tokens)
    {
        await Eventually.TrueAsync(async () => (await EventOfAsync(database, pollId)).ConsumedAt is not null, TimeSpan.FromSeconds(60), "the first delivery");
        await Eventually.TrueAsync(() => tokens.Values.All(t => push.Expo.Delivered(t).Count == 1), TimeSpan.FromSeconds(60), "the first pushes");
    }

    /// <summary>
    /// What a Storage account that lost its last writes no longer holds: the queued messages. Circly
    /// keeps nothing else there (the inbox and the push claims are in PostgreSQL).
    /// </summary>
    private async Task ForgetQueuedMessagesAsync()
    {
        foreach (var queue in StorageNames.Queues)
        {
            await push.Queue(queue).ClearMessagesAsync();
        }
    }

    private static async Task<Guid> CreatePollAsync(TestApp app, string database, TestCircle circle)
    {
        await using var connection = new NpgsqlConnection(database);
        var templateId = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM question_templates WHERE is_active ORDER BY random() LIMIT 1");
        var call = await app.Client.PostAsync("/v1/polls", new { templateId, circleId = circle.Id, deadline = DateTimeOffset.UtcNow.AddHours(3) }, circle.Owner.AccessToken);
        Assert.True(call.Status == HttpStatusCode.Created, call.RawBody);
        return call.Data.GetProperty("id").GetGuid();
    }

    private static async Task<EventState> EventOfAsync(string database, Guid pollId)
    {
        await using var connection = new NpgsqlConnection(database);
        return await connection.QuerySingleAsync<EventState>(
            "SELECT id, dispatched_at AS dispatchedAt, consumed_at AS consumedAt, attempts FROM outbox_events WHERE event_type = 'PollCreated' AND payload->>'pollId' = @id",
            new { id = pollId.ToString() });
    }

    private static async Task<bool> DispatchedLongerAgoThanAsync(string database, Guid eventId, TimeSpan age)
    {
        await using var connection = new NpgsqlConnection(database);
        return await connection.ExecuteScalarAsync<bool>("SELECT dispatched_at < now() - @age FROM outbox_events WHERE id = @eventId", new { eventId, age });
    }
}
