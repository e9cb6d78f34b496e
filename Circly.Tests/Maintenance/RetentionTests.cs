using System.Net;
using Circly.Core.Notifications;
using Circly.Tests.Infrastructure;
using Circly.Tests.Polls;
using Dapper;
using Npgsql;

namespace Circly.Tests.Maintenance;

/// <summary>
/// The daily cleanup removes each kind of data after its retention period (the defaults of
/// RetentionOptions) and keeps what is younger. It runs over everything, so this test has a
/// database, an Azurite and an app of its own.
/// </summary>
public sealed class RetentionTests(CirclyStack stack)
{
    [Fact]
    public async Task CleanupRemovesWhatRetentionSaysItShouldAndKeepsTheRest()
    {
        var database = await stack.Postgres.CreateDatabaseAsync();
        await using var azurite = await AzuriteServer.StartPrivateAsync();
        await using var app = await TestApp.StartAsync(CirclyStack.Settings(database, azurite.ConnectionString));
        await using var connection = new NpgsqlConnection(database);
        var templateId = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM question_templates WHERE is_active LIMIT 1");

        // Circles: one in use, one deleted 8 days ago (goes), one deleted 6 days ago (stays).
        var circle = await app.Client.NewCircleAsync(size: 4);
        var gone = await app.Client.NewCircleAsync(size: 4);
        var recent = await app.Client.NewCircleAsync(size: 4);
        var pollOfGone = await NewPollAsync(app, gone, templateId);
        Assert.True((await app.Client.DeleteAsync($"/v1/circles/{gone.Id}", gone.Owner.AccessToken)).Success);
        Assert.True((await app.Client.DeleteAsync($"/v1/circles/{recent.Id}", recent.Owner.AccessToken)).Success);
        await connection.ExecuteAsync("UPDATE circles SET updated_at = now() - @age WHERE id = @id", new { id = gone.Id, age = TimeSpan.FromDays(8) });
        await connection.ExecuteAsync("UPDATE circles SET updated_at = now() - @age WHERE id = @id", new { id = recent.Id, age = TimeSpan.FromDays(6) });

        // Polls: closed 31 days ago (goes, with options and votes), closed 29 days ago, created 36 days ago
        // and closed 29 days ago (stays: retention walks polls by creation, but decides by closing),
        // deleted 8 days ago (goes), deleted 6 days ago, open.
        var polls = new Dictionary<string, Guid>();
        foreach (var name in new[] { "closed31", "closed29", "created36closed29", "deleted8", "deleted6", "open" })
        {
            polls[name] = await NewPollAsync(app, circle, templateId);
        }
        await app.Client.PostAsync($"/v1/polls/{polls["closed31"]}/vote", new { optionId = await OptionForAsync(app, polls["closed31"], circle.Others[0]) }, circle.Others[0].AccessToken);
        const string close = "UPDATE polls SET created_at = now() - @age - interval '1 day', deadline = now() - @age, is_closed = true, closed_at = now() - @age WHERE id = @id";
        await connection.ExecuteAsync(close, new { id = polls["closed31"], age = TimeSpan.FromDays(31) });
        await connection.ExecuteAsync(close, new { id = polls["closed29"], age = TimeSpan.FromDays(29) });
        await connection.ExecuteAsync("UPDATE polls SET created_at = now() - interval '36 days', deadline = now() - interval '29 days', is_closed = true, closed_at = now() - interval '29 days' WHERE id = @id",
            new { id = polls["created36closed29"] });
        const string delete = "UPDATE polls SET is_active = false, updated_at = now() - @age WHERE id = @id";
        await connection.ExecuteAsync(delete, new { id = polls["deleted8"], age = TimeSpan.FromDays(8) });
        await connection.ExecuteAsync(delete, new { id = polls["deleted6"], age = TimeSpan.FromDays(6) });

        // Outbox: consumed 8 days ago (goes), consumed 6 days ago, pending for 30 days and dispatched
        // 30 days ago but never consumed (both never deleted).
        var events = new Dictionary<string, Guid>();
        foreach (var (name, created, dispatched, consumed) in new[]
            { ("dispatched8", 8, (int?)8, (int?)8), ("dispatched6", 6, 6, 6), ("pending30", 30, null, null), ("unconsumed30", 30, 30, null) })
        {
            events[name] = await connection.ExecuteScalarAsync<Guid>("""
                INSERT INTO outbox_events (event_type, payload, created_at, dispatched_at, consumed_at)
                VALUES ('PollCreated', '{}', now() - make_interval(days => @created), now() - make_interval(days => @dispatched), now() - make_interval(days => @consumed)) RETURNING id
                """, new { created, dispatched, consumed });
        }

        // Rate-limit windows: 3 hours old (goes) and 1 hour old.
        await connection.ExecuteAsync("""
            INSERT INTO rate_limit_counters (bucket, window_start, hits) VALUES ('test:old', now() - interval '3 hours', 1), ('test:young', now() - interval '1 hour', 1)
            """);

        // Inbox: two unread entries 31 days old (go, and the unread count drops by two), one 29 days old.
        var reader = await app.Client.NewUserAsync();
        var now = DateTimeOffset.UtcNow;
        var inbox = app.Get<InboxService>();
        await inbox.WriteAsync([Entry(reader.UserId, now.AddDays(-31)), Entry(reader.UserId, now.AddDays(-31).AddMinutes(1)), Entry(reader.UserId, now.AddDays(-29))], CancellationToken.None);

        // Push claims 3 days old and of today; tickets waiting for receipts since 3 days and since now.
        await connection.ExecuteAsync("""
            INSERT INTO push_claims (event_id, device_key, owner_key, batch_id, status, ticket_id, receipt_token, created_at)
            VALUES (gen_random_uuid(), 'old-claim', 'o', gen_random_uuid(), 'error', NULL, NULL, now() - interval '3 days'),
                   (gen_random_uuid(), 'new-claim', 'o', gen_random_uuid(), 'error', NULL, NULL, now()),
                   (gen_random_uuid(), 'old-ticket', 'o', gen_random_uuid(), 'ok', 't1', 'ExponentPushToken[old]', now() - interval '3 days'),
                   (gen_random_uuid(), 'new-ticket', 'o', gen_random_uuid(), 'ok', 't2', 'ExponentPushToken[new]', now())
            """);

        using var run = await app.Client.RunFunctionAsync("Cleanup");
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);

        var pollsLeft = (await connection.QueryAsync<Guid>("SELECT id FROM polls")).ToHashSet();
        Assert.Equal(new[] { polls["closed29"], polls["created36closed29"], polls["deleted6"], polls["open"] }.Order(), pollsLeft.Where(polls.ContainsValue).Order());
        Assert.DoesNotContain(pollOfGone, pollsLeft);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM poll_options WHERE poll_id = @id", new { id = polls["closed31"] }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM poll_participations WHERE poll_id = @id", new { id = polls["closed31"] }));
        var circlesLeft = (await connection.QueryAsync<Guid>("SELECT id FROM circles")).ToHashSet();
        Assert.Equal(new[] { circle.Id, recent.Id }.Order(), circlesLeft.Order());
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM circle_members WHERE circle_id = @id", new { id = gone.Id }));
        var eventsLeft = (await connection.QueryAsync<Guid>("SELECT id FROM outbox_events")).ToHashSet();
        Assert.Equal(new[] { events["dispatched6"], events["pending30"], events["unconsumed30"] }.Order(), eventsLeft.Where(events.ContainsValue).Order());
        Assert.Equal(["test:young"], await connection.QueryAsync<string>("SELECT bucket FROM rate_limit_counters WHERE bucket LIKE 'test:%'"));
        var notifications = await app.Client.GetAsync("/v1/notifications", reader.AccessToken);
        Assert.Equal(1, notifications.Data.GetProperty("items").GetArrayLength());
        Assert.Equal(1, notifications.Data.GetProperty("unreadCount").GetInt32());
        Assert.Equal(["new-claim", "new-ticket"], await connection.QueryAsync<string>("SELECT device_key FROM push_claims ORDER BY device_key"));
    }

    private static InboxEntry Entry(Guid userId, DateTimeOffset createdAt) =>
        new(userId, Guid.NewGuid(), NotificationTypes.PollResult, "Results are in 🎉", "Who has the best laugh?", Guid.NewGuid(), Guid.NewGuid(), createdAt);

    private static async Task<Guid> NewPollAsync(TestApp app, TestCircle circle, Guid templateId)
    {
        var call = await app.Client.PostAsync("/v1/polls", new { templateId, circleId = circle.Id, deadline = DateTimeOffset.UtcNow.AddHours(3) }, circle.Owner.AccessToken);
        Assert.True(call.Status == HttpStatusCode.Created, call.RawBody);
        return call.Data.GetProperty("id").GetGuid();
    }

    private static async Task<Guid> OptionForAsync(TestApp app, Guid pollId, TestMember voter)
    {
        var poll = await app.Client.GetAsync($"/v1/polls/{pollId}", voter.AccessToken);
        return poll.Data.GetProperty("options").EnumerateArray().First(o => o.GetProperty("memberNickname").GetString() != voter.Nickname).GetProperty("id").GetGuid();
    }
}
