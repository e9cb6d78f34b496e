using System.Net;
using Circly.Core.Storage;
using Circly.Tests.Infrastructure;
using Circly.Tests.Polls;
using Dapper;
using Npgsql;

namespace Circly.Tests.Notifications;

/// <summary>
/// What votes leave in Storage, in the inbox and in pushes: no push follows the last vote, no reminder says who
/// had not voted, and a deleted account leaves nothing behind. Each test runs the closing and
/// reminder timers, so each has a database of its own.
/// </summary>
[Collection(PushPipelineCollection.Name)]
public sealed class StorageTracesTests(CirclyStack stack, PushStack push)
{
    private const string NewPoll = "New poll in your circle 🗳️";
    private const string Reminder = "Voting closes soon ⏰";
    private const string Results = "Results are in 🎉";

    [Fact]
    public async Task CompletingAPollSendsNoPushUntilTheTimerClosesIt()
    {
        var (app, database) = await StartWithOwnDatabaseAsync();
        await using var _ = app;
        var circle = await app.Client.NewCircleAsync(size: 4);
        var tokens = await RegisterTokensAsync(app, circle.Members);
        var pollId = await CreatePollAsync(app, database, circle);
        await Eventually.TrueAsync(() => circle.Others.All(m => Titles(tokens[m.UserId]).Contains(NewPoll)), TimeSpan.FromSeconds(60), "the new poll's pushes");

        foreach (var voter in circle.Members)
        {
            var poll = await app.Client.GetAsync($"/v1/polls/{pollId}", voter.AccessToken);
            var option = poll.Data.GetProperty("options").EnumerateArray().First(o => o.GetProperty("memberNickname").GetString() != voter.Nickname).GetProperty("id").GetGuid();
            Assert.True((await app.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = option }, voter.AccessToken)).Success);
        }
        await RunTimerAsync(app, "OutboxSweep");
        await RunTimerAsync(app, "ClosePolls");
        await WaitUntilQueuesAreEmptyAsync();

        Assert.All(circle.Members, m => Assert.DoesNotContain(Results, Titles(tokens[m.UserId])));
        await using var connection = new NpgsqlConnection(database);
        Assert.False(await connection.ExecuteScalarAsync<bool>("SELECT is_closed FROM polls WHERE id = @pollId", new { pollId }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM outbox_events WHERE event_type = 'PollClosed'"));

        await connection.ExecuteAsync("UPDATE polls SET close_after = now() - interval '1 second' WHERE id = @pollId", new { pollId });
        await RunTimerAsync(app, "ClosePolls");

        await Eventually.TrueAsync(() => circle.Members.All(m => Titles(tokens[m.UserId]).Contains(Results)), TimeSpan.FromSeconds(60), "the results pushes");
    }

    [Fact]
    public async Task AfterAPollClosesStorageHoldsNothingThatNamesItsNonVoters()
    {
        var (app, database) = await StartWithOwnDatabaseAsync();
        await using var _ = app;
        var circle = await app.Client.NewCircleAsync(size: 5);
        var tokens = await RegisterTokensAsync(app, circle.Members);
        var pollId = await CreatePollAsync(app, database, circle);
        await Eventually.TrueAsync(() => circle.Others.All(m => Titles(tokens[m.UserId]).Contains(NewPoll)), TimeSpan.FromSeconds(60), "the new poll's pushes");
        var voters = circle.Others.Take(2).ToList();
        foreach (var voter in voters)
        {
            var poll = await app.Client.GetAsync($"/v1/polls/{pollId}", voter.AccessToken);
            var option = poll.Data.GetProperty("options").EnumerateArray().First(o => o.GetProperty("memberNickname").GetString() != voter.Nickname).GetProperty("id").GetGuid();
            Assert.True((await app.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = option }, voter.AccessToken)).Success);
        }
        await using var connection = new NpgsqlConnection(database);
        await connection.ExecuteAsync("UPDATE polls SET deadline = now() + interval '30 minutes' WHERE id = @pollId", new { pollId });

        await RunTimerAsync(app, "DeadlineReminders");
        await Eventually.TrueAsync(() => circle.Members.All(m => Titles(tokens[m.UserId]).Contains(Reminder)), TimeSpan.FromSeconds(60), "every member's reminder");
        await connection.ExecuteAsync("UPDATE polls SET created_at = now() - interval '3 hours', deadline = now() - interval '1 second' WHERE id = @pollId", new { pollId });
        await RunTimerAsync(app, "ClosePolls");
        await Eventually.TrueAsync(() => circle.Members.All(m => Titles(tokens[m.UserId]).Contains(Results)), TimeSpan.FromSeconds(60), "the results pushes");
        await WaitUntilQueuesAreEmptyAsync();

        // Inboxes: voters and non-voters hold the very same entries (the creator alone was not told of the new poll).
        var inboxes = new List<string>();
        foreach (var member in circle.Members)
        {
            var entries = await connection.QueryAsync<string>("""
                SELECT type || ':' || title || ':' || body FROM inbox_entries
                WHERE user_id = @userId AND poll_id = @pollId AND type <> @created ORDER BY 1
                """, new { member.UserId, pollId, created = Circly.Core.Notifications.NotificationTypes.PollCreated });
            inboxes.Add(string.Join("|", entries));
        }
        Assert.Single(inboxes.Distinct());
        Assert.Contains(Reminder, inboxes[0]);
        // Push claims and tickets: no user id in any column, and the reminder was claimed for every member's device.
        var claims = await ClaimRowsAsync(connection);
        var userIds = circle.Members.Select(m => m.UserId.ToString()).ToList();
        Assert.All(claims, row => Assert.DoesNotContain(userIds, u => row.Contains(u, StringComparison.OrdinalIgnoreCase)));
        var reminderEvent = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM outbox_events WHERE event_type = 'PollDeadlineSoon'");
        Assert.Equal(5, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM push_claims WHERE event_id = @reminderEvent", new { reminderEvent }));
        // Queues, poison queues included: no message about this poll or its members is left.
        var traces = userIds.Append(pollId.ToString()).Concat(tokens.Values).ToList();
        foreach (var queue in StorageNames.Queues.SelectMany(q => new[] { q, StorageNames.PoisonQueueOf(q) }))
        {
            var client = push.Queue(queue);
            var messages = await client.ExistsAsync() ? (await client.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).ToList() : [];
            var texts = messages.Select(m => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(m))).ToList();
            Assert.DoesNotContain(texts, text => traces.Any(t => text.Contains(t, StringComparison.OrdinalIgnoreCase)));
        }
    }

    [Fact]
    public async Task DeletingAnAccountLeavesNothingOfThatUserInStorage()
    {
        await using var app = await push.StartAppAsync(stack);
        var circle = await app.Client.NewCircleAsync(size: 4);
        var tokens = await RegisterTokensAsync(app, circle.Members);
        var leaving = circle.Others[0];
        await CreatePollAsync(app, stack.DatabaseConnectionString, circle);
        await Eventually.TrueAsync(() => circle.Others.All(m => Titles(tokens[m.UserId]).Contains(NewPoll)), TimeSpan.FromSeconds(60), "the new poll's pushes");
        await push.WaitUntilQueueIsEmptyAsync();
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        // The ticket waiting for its receipt holds the token; its owner key marks the user's claims.
        var ownerKey = await connection.QuerySingleAsync<string>("SELECT owner_key FROM push_claims WHERE receipt_token = @token", new { token = tokens[leaving.UserId] });
        Assert.False(string.IsNullOrEmpty(ownerKey));
        const string inboxOfLeaving = "SELECT count(*) FROM inbox_entries WHERE user_id = @UserId";
        Assert.NotEqual(0, await connection.ExecuteScalarAsync<int>(inboxOfLeaving, new { leaving.UserId }));

        Assert.Equal(HttpStatusCode.OK, (await app.Client.DeleteAsync("/v1/users/me", leaving.AccessToken)).Status);

        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(inboxOfLeaving, new { leaving.UserId }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM push_claims WHERE owner_key = @ownerKey", new { ownerKey }));
        Assert.DoesNotContain(await ClaimRowsAsync(connection), row => row.Contains(tokens[leaving.UserId], StringComparison.Ordinal)
            || row.Contains(leaving.UserId.ToString(), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Every push_claims row as one text (its JSON), to look for traces in any column.</summary>
    private static async Task<IReadOnlyList<string>> ClaimRowsAsync(NpgsqlConnection connection) =>
        (await connection.QueryAsync<string>("SELECT to_jsonb(c)::text FROM push_claims c")).AsList();

    private async Task<(TestApp App, string Database)> StartWithOwnDatabaseAsync()
    {
        var database = await stack.Postgres.CreateDatabaseAsync();
        var app = await push.StartAppAsync(stack, settings =>
        {
            settings["Database:ConnectionString"] = database;
            settings["Database:MigrationConnectionString"] = PostgresServer.AsOwner(database);
            settings["Database:MigrateOnStartup"] = "true";
        });
        return (app, database);
    }

    private static async Task<Guid> CreatePollAsync(TestApp app, string database, TestCircle circle)
    {
        await using var connection = new NpgsqlConnection(database);
        var templateId = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM question_templates WHERE is_active LIMIT 1");
        var call = await app.Client.PostAsync("/v1/polls", new { templateId, circleId = circle.Id, deadline = DateTimeOffset.UtcNow.AddHours(3) }, circle.Owner.AccessToken);
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

    private List<string?> Titles(string token) => [.. push.Expo.Delivered(token).Select(p => p.Title)];

    private static async Task RunTimerAsync(TestApp app, string function)
    {
        using var response = await app.Client.RunFunctionAsync(function);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private async Task WaitUntilQueuesAreEmptyAsync()
    {
        var outbox = push.Queue(StorageNames.OutboxEventsQueue);
        await Eventually.TrueAsync(async () => !await outbox.ExistsAsync() || (await outbox.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0,
            TimeSpan.FromSeconds(30), "outbox-events to be empty");
        await push.WaitUntilQueueIsEmptyAsync();
    }
}
