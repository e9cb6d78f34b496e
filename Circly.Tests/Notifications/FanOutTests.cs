using System.Globalization;
using System.Net;
using System.Text;
using Circly.Core.Outbox;
using Circly.Core.Storage;
using Circly.Tests.Infrastructure;
using Circly.Tests.Polls;
using Dapper;
using Npgsql;

namespace Circly.Tests.Notifications;

/// <summary>Outbox event → fan-out → inbox and push batches → push sender → the Expo test server.</summary>
[Collection(PushPipelineCollection.Name)]
public sealed class FanOutTests(CirclyStack stack, PushStack push)
{
    [Fact]
    public async Task APollInAThirtyMemberCircleReachesTwentyNineInboxesAndPushesOnlyToActiveTokensWithTheSwitchOn()
    {
        await using var app = await push.StartAppAsync(stack);
        var circle = await app.Client.NewCircleAsync(size: 30);
        var withTokens = circle.Others.Take(20).ToList();
        var tokens = await RegisterTokensAsync(app, [circle.Owner, .. withTokens]);
        var switchedOff = withTokens.Skip(15).ToList();
        foreach (var member in switchedOff)
        {
            Assert.True((await app.Client.PutAsync("/v1/notifications/settings", new { pollStart = false }, member.AccessToken)).Success);
        }

        await CreatePollAsync(app, circle, circle.Owner);

        var expected = withTokens.Take(15).Select(m => tokens[m.UserId]).ToList();
        await Eventually.TrueAsync(() => expected.All(t => push.Expo.Delivered(t).Count == 1), TimeSpan.FromSeconds(60), "15 pushes");
        await push.WaitUntilQueueIsEmptyAsync();
        Assert.Empty(push.Expo.Delivered(tokens[circle.Owner.UserId]));
        Assert.All(switchedOff, m => Assert.Empty(push.Expo.Delivered(tokens[m.UserId])));
        Assert.All(expected, t => Assert.Equal("New poll in your circle 🗳️", push.Expo.Delivered(t)[0].Title));
        Assert.Equal(29, (await InboxCountsAsync(app, circle.Others)).Sum());
        Assert.Equal(0, (await InboxCountsAsync(app, [circle.Owner])).Sum());
    }

    [Fact]
    public async Task QuietHoursAndTheDailyCapHoldBackPushesButNotInboxEntries()
    {
        await using var app = await push.StartAppAsync(stack);
        var circle = await app.Client.NewCircleAsync(size: 4);
        var (quiet, capped, normal) = (circle.Others[0], circle.Others[1], circle.Others[2]);
        var tokens = await RegisterTokensAsync(app, [quiet, capped, normal]);
        var now = DateTime.UtcNow;
        await app.Client.PutAsync("/v1/notifications/settings", new
        {
            timeZone = "UTC",
            quietHours = new { enabled = true, start = now.AddHours(-1).ToString("HH:mm", CultureInfo.InvariantCulture), end = now.AddHours(1).ToString("HH:mm", CultureInfo.InvariantCulture) },
        }, quiet.AccessToken);
        await app.Client.PutAsync("/v1/notifications/settings", new { maxPerDay = 1 }, capped.AccessToken);

        await CreatePollAsync(app, circle, circle.Owner);
        await Eventually.TrueAsync(() => push.Expo.Delivered(tokens[normal.UserId]).Count == 1, TimeSpan.FromSeconds(60), "the first poll's pushes");
        await CreatePollAsync(app, circle, circle.Owner);
        await Eventually.TrueAsync(() => push.Expo.Delivered(tokens[normal.UserId]).Count == 2, TimeSpan.FromSeconds(60), "the second poll's pushes");
        await push.WaitUntilQueueIsEmptyAsync();

        Assert.Empty(push.Expo.Delivered(tokens[quiet.UserId]));
        Assert.Single(push.Expo.Delivered(tokens[capped.UserId]));
        Assert.Equal(new[] { 2, 2, 2 }, await InboxCountsAsync(app, [quiet, capped, normal]));
    }

    [Fact]
    public async Task AnOutboxEventDeliveredTwiceSendsNothingTwice()
    {
        await using var app = await push.StartAppAsync(stack);
        var circle = await app.Client.NewCircleAsync(size: 4);
        var tokens = await RegisterTokensAsync(app, circle.Others);
        var pollId = await CreatePollAsync(app, circle, circle.Owner);
        await Eventually.TrueAsync(() => tokens.Values.All(t => push.Expo.Delivered(t).Count == 1), TimeSpan.FromSeconds(60), "the first delivery");

        await ResendOutboxEventAsync(pollId);
        await Eventually.TrueAsync(async () => (await push.Queue(StorageNames.OutboxEventsQueue).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0,
            TimeSpan.FromSeconds(30), "the duplicate to be handled");
        await push.WaitUntilQueueIsEmptyAsync();

        Assert.All(tokens.Values, t => Assert.Single(push.Expo.Delivered(t)));
        Assert.Equal(new[] { 1, 1, 1 }, await InboxCountsAsync(app, circle.Others));
    }

    [Fact]
    public async Task TheOutboxSweepDeliversAnEventWhoseImmediateDispatchFailed()
    {
        var queuePort = new Uri(push.Azurite.ConnectionString.Split(';').Single(p => p.StartsWith("QueueEndpoint=", StringComparison.Ordinal))["QueueEndpoint=".Length..]).Port;
        await using var proxy = new TcpProxy(queuePort);
        // The sweep takes every pending event of its database (other tests' analytics events too):
        // this test has a database of its own, so that it delivers only its own.
        var database = await stack.Postgres.CreateDatabaseAsync();
        await using var app = await push.StartAppAsync(stack, settings =>
        {
            settings["AzureWebJobsStorage"] = push.Azurite.ConnectionString.Replace($":{queuePort}/", $":{proxy.Port}/", StringComparison.Ordinal);
            settings["Database:ConnectionString"] = database;
            settings["Database:MigrationConnectionString"] = PostgresServer.AsOwner(database);
            settings["Database:MigrateOnStartup"] = "true";
        });
        var circle = await app.Client.NewCircleAsync(size: 4);
        await using var connection = new NpgsqlConnection(database);
        var templateId = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM question_templates WHERE is_active LIMIT 1");

        proxy.Disable();
        var created = await app.Client.PostAsync("/v1/polls", new { templateId, circleId = circle.Id, deadline = DateTimeOffset.UtcNow.AddHours(3) }, circle.Owner.AccessToken);
        Assert.True(created.Status == HttpStatusCode.Created, created.RawBody);
        var pollId = created.Data.GetProperty("id").GetGuid();
        const string pending = "SELECT count(*) FROM outbox_events WHERE payload->>'pollId' = @id AND dispatched_at IS NULL";
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(pending, new { id = pollId.ToString() }));

        proxy.Enable();
        await connection.ExecuteAsync("UPDATE outbox_events SET created_at = now() - interval '1 minute' WHERE payload->>'pollId' = @id", new { id = pollId.ToString() });
        using var sweep = await app.Client.RunFunctionAsync("OutboxSweep");

        Assert.Equal(HttpStatusCode.Accepted, sweep.StatusCode);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(pending, new { id = pollId.ToString() }));
        await Eventually.TrueAsync(async () => (await InboxCountsAsync(app, circle.Others)).Sum() == 3, TimeSpan.FromSeconds(60), "the swept event's inbox entries");
    }

    private async Task<Guid> CreatePollAsync(TestApp app, TestCircle circle, TestMember creator)
    {
        var call = await app.Client.PostAsync("/v1/polls", new { templateId = await stack.RandomTemplateAsync(), circleId = circle.Id, deadline = DateTimeOffset.UtcNow.AddHours(3) }, creator.AccessToken);
        Assert.True(call.Status == HttpStatusCode.Created, call.RawBody);
        return call.Data.GetProperty("id").GetGuid();
    }

    private static async Task<Dictionary<Guid, string>> RegisterTokensAsync(TestApp app, IEnumerable<TestMember> members)
    {
        var tokens = new Dictionary<Guid, string>();
        foreach (var member in members)
        {
            var token = PushStack.NewToken();
            Assert.True((await app.Client.PutAsync("/v1/users/me/push-token", new { token }, member.AccessToken)).Success);
            tokens[member.UserId] = token;
        }
        return tokens;
    }

    private static async Task<int[]> InboxCountsAsync(TestApp app, IEnumerable<TestMember> members) =>
        await Task.WhenAll(members.Select(async m => (await app.Client.GetAsync("/v1/notifications?limit=50", m.AccessToken)).Data.GetProperty("items").GetArrayLength()));

    private async Task ResendOutboxEventAsync(Guid pollId)
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var (id, type, payload, createdAt) = await connection.QuerySingleAsync<(Guid, string, string, DateTime)>(
            "SELECT id, event_type, payload::text, created_at FROM outbox_events WHERE event_type = 'PollCreated' AND payload->>'pollId' = @id", new { id = pollId.ToString() });
        using var document = System.Text.Json.JsonDocument.Parse(payload);
        var message = OutboxWriter.Serialize(new OutboxMessage(id, type, document.RootElement, new DateTimeOffset(createdAt, TimeSpan.Zero)));
        await push.Queue(StorageNames.OutboxEventsQueue).SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(message)));
    }
}
