using System.Net;
using System.Text.Json;
using Circly.Core.Errors;
using Circly.Core.Notifications;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Notifications;

/// <summary>The inbox (PostgreSQL, inbox_entries): written by the fan-out (InboxService), read and marked over the API.</summary>
public sealed class InboxTests(CirclyStack stack)
{
    /// <summary>
    /// Recent, whole minutes: DailyCapTests runs the cleanup on the shared storage, which deletes
    /// inbox entries older than Retention__InboxEntries (30 days); entries dated in 2025 vanished
    /// under it when the two ran at the same time.
    /// </summary>
    private static readonly DateTimeOffset Start = new(DateTimeOffset.UtcNow.Date.AddDays(-1).AddHours(18), TimeSpan.Zero);

    private InboxService Inbox => stack.Api.Get<InboxService>();

    [Fact]
    public async Task TheInboxListsNotificationsNewestFirst()
    {
        var session = await stack.Client.NewUserAsync();
        var entries = Entries(session.UserId, 3);
        await Inbox.WriteAsync([entries[1], entries[2], entries[0]], CancellationToken.None);

        var call = await stack.Client.GetAsync("/v1/notifications", session.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        var items = call.Data.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(entries.Select(e => e.Title).Reverse(), items.Select(i => i.GetProperty("title").GetString()));
        var newest = items[0];
        Assert.Equal(NotificationTypes.PollResult, newest.GetProperty("type").GetString());
        Assert.Equal(entries[2].Body, newest.GetProperty("body").GetString());
        Assert.Equal(entries[2].PollId, newest.GetProperty("pollId").GetGuid());
        Assert.Equal(entries[2].CircleId, newest.GetProperty("circleId").GetGuid());
        Assert.Equal(entries[2].CreatedAt, newest.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, newest.GetProperty("readAt").ValueKind);
        Assert.Equal(3, call.Data.GetProperty("unreadCount").GetInt32());
        Assert.False(call.Data.GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task PagesFollowTheCursorToTheOldestNotification()
    {
        var session = await stack.Client.NewUserAsync();
        var entries = Entries(session.UserId, 5);
        await Inbox.WriteAsync(entries, CancellationToken.None);

        var seen = new List<string>();
        var pages = new List<(int Count, bool HasMore)>();
        string? cursor = null;
        do
        {
            var call = await stack.Client.GetAsync("/v1/notifications?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), session.AccessToken);
            Assert.Equal(HttpStatusCode.OK, call.Status);
            var items = call.Data.GetProperty("items").EnumerateArray().ToList();
            seen.AddRange(items.Select(i => i.GetProperty("title").GetString()!));
            pages.Add((items.Count, call.Data.GetProperty("hasMore").GetBoolean()));
            Assert.Equal(2, call.Data.GetProperty("limit").GetInt32());
            cursor = call.Data.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal([(2, true), (2, true), (1, false)], pages);
        Assert.Equal(entries.Select(e => e.Title).Reverse(), seen);
    }

    [Fact]
    public async Task WritingTheSameEventAgainKeepsOneEntry()
    {
        var session = await stack.Client.NewUserAsync();
        var entry = Entries(session.UserId, 1)[0];

        var written = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Inbox.WriteAsync([entry], CancellationToken.None)));
        var again = await Inbox.WriteAsync([entry, entry], CancellationToken.None);

        Assert.Equal(1, written.Sum());
        Assert.Equal(0, again);
        var call = await stack.Client.GetAsync("/v1/notifications", session.AccessToken);
        Assert.Single(call.Data.GetProperty("items").EnumerateArray());
        Assert.Equal(1, call.Data.GetProperty("unreadCount").GetInt32());
    }

    [Fact]
    public async Task TheUnreadCountFollowsWhatIsMarkedRead()
    {
        var session = await stack.Client.NewUserAsync();
        await Inbox.WriteAsync(Entries(session.UserId, 3), CancellationToken.None);
        var id = (await stack.Client.GetAsync("/v1/notifications", session.AccessToken)).Data.GetProperty("items")[1].GetProperty("id").GetString()!;

        var read = await stack.Client.PostAsync($"/v1/notifications/{id}/read", token: session.AccessToken);
        var readAgain = await stack.Client.PostAsync($"/v1/notifications/{id}/read", token: session.AccessToken);
        var list = await stack.Client.GetAsync("/v1/notifications", session.AccessToken);

        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(2, read.Data.GetProperty("unreadCount").GetInt32());
        Assert.Equal(id, read.Data.GetProperty("notification").GetProperty("id").GetString());
        Assert.NotEqual(JsonValueKind.Null, read.Data.GetProperty("notification").GetProperty("readAt").ValueKind);
        Assert.Equal(2, readAgain.Data.GetProperty("unreadCount").GetInt32());
        Assert.Equal(2, list.Data.GetProperty("unreadCount").GetInt32());
        Assert.Equal([false, true, false], list.Data.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("readAt").ValueKind != JsonValueKind.Null));

        var all = await stack.Client.PostAsync("/v1/notifications/read-all", token: session.AccessToken);

        Assert.Equal(HttpStatusCode.OK, all.Status);
        Assert.Equal(2, all.Data.GetProperty("marked").GetInt32());
        Assert.Equal(0, all.Data.GetProperty("unreadCount").GetInt32());
        var after = await stack.Client.GetAsync("/v1/notifications", session.AccessToken);
        Assert.Equal(0, after.Data.GetProperty("unreadCount").GetInt32());
        Assert.All(after.Data.GetProperty("items").EnumerateArray(), i => Assert.NotEqual(JsonValueKind.Null, i.GetProperty("readAt").ValueKind));
    }

    [Fact]
    public async Task ReadAllMarksMoreThanOneTransactionOfEntries()
    {
        var session = await stack.Client.NewUserAsync();
        await Inbox.WriteAsync(Entries(session.UserId, 130), CancellationToken.None);

        var all = await stack.Client.PostAsync("/v1/notifications/read-all", token: session.AccessToken);

        Assert.Equal(130, all.Data.GetProperty("marked").GetInt32());
        Assert.Equal(0, all.Data.GetProperty("unreadCount").GetInt32());
    }

    [Fact]
    public async Task ConcurrentWritesKeepTheUnreadCountExact()
    {
        var session = await stack.Client.NewUserAsync();
        var entries = Entries(session.UserId, 20);

        await Task.WhenAll(entries.Select(e => Inbox.WriteAsync([e], CancellationToken.None)));

        var call = await stack.Client.GetAsync("/v1/notifications?limit=50", session.AccessToken);
        Assert.Equal(20, call.Data.GetProperty("unreadCount").GetInt32());
        Assert.Equal(20, call.Data.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task AReadNotificationStaysReadWhenItsEventIsWrittenAgain()
    {
        var session = await stack.Client.NewUserAsync();
        var entry = Entries(session.UserId, 1)[0];
        await Inbox.WriteAsync([entry], CancellationToken.None);
        await stack.Client.PostAsync("/v1/notifications/read-all", token: session.AccessToken);

        await Inbox.WriteAsync([entry], CancellationToken.None);

        var call = await stack.Client.GetAsync("/v1/notifications", session.AccessToken);
        Assert.Equal(0, call.Data.GetProperty("unreadCount").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, call.Data.GetProperty("items")[0].GetProperty("readAt").ValueKind);
    }

    [Fact]
    public async Task SomeoneElsesNotificationIsNotFound()
    {
        var owner = await stack.Client.NewUserAsync();
        var other = await stack.Client.NewUserAsync();
        await Inbox.WriteAsync(Entries(owner.UserId, 1), CancellationToken.None);
        var id = (await stack.Client.GetAsync("/v1/notifications", owner.AccessToken)).Data.GetProperty("items")[0].GetProperty("id").GetString()!;

        var theirs = await stack.Client.PostAsync($"/v1/notifications/{id}/read", token: other.AccessToken);
        var garbage = await stack.Client.PostAsync("/v1/notifications/not-an-id/read", token: other.AccessToken);

        Assert.Equal(HttpStatusCode.NotFound, theirs.Status);
        Assert.Equal(ErrorCodes.NotFound, theirs.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, garbage.Status);
        Assert.Equal(1, (await stack.Client.GetAsync("/v1/notifications", owner.AccessToken)).Data.GetProperty("unreadCount").GetInt32());
    }

    [Theory]
    [InlineData("limit=0", ErrorCodes.ValidationOutOfRange, "limit")]
    [InlineData("limit=51", ErrorCodes.ValidationOutOfRange, "limit")]
    [InlineData("limit=ten", ErrorCodes.ValidationInvalidFormat, "limit")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", ErrorCodes.ValidationInvalidFormat, "cursor")]
    [InlineData("cursor=%25%25%25", ErrorCodes.ValidationInvalidFormat, "cursor")]
    public async Task ABadLimitOrCursorIsA400NamingIt(string query, string code, string field)
    {
        var session = await stack.Client.NewUserAsync();

        var call = await stack.Client.GetAsync("/v1/notifications?" + query, session.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(code, call.ErrorCode);
        Assert.Equal(field, call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
    }

    [Fact]
    public async Task AnEmptyInboxHasNothingUnread()
    {
        var session = await stack.Client.NewUserAsync();

        var call = await stack.Client.GetAsync("/v1/notifications", session.AccessToken);

        Assert.Empty(call.Data.GetProperty("items").EnumerateArray());
        Assert.Equal(0, call.Data.GetProperty("unreadCount").GetInt32());
        Assert.Equal(InboxService.DefaultLimit, call.Data.GetProperty("limit").GetInt32());
        Assert.Equal(JsonValueKind.Null, call.Data.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task DeletingTheAccountDeletesTheInbox()
    {
        var session = await stack.Client.NewUserAsync();
        await Inbox.WriteAsync(Entries(session.UserId, 3), CancellationToken.None);

        var call = await stack.Client.DeleteAsync("/v1/users/me", session.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM inbox_entries WHERE user_id = @userId", new { session.UserId }));
    }

    /// <summary>Entries a minute apart, oldest first, of every kind in turn.</summary>
    private static List<InboxEntry> Entries(Guid userId, int count)
    {
        string[] types = [NotificationTypes.PollCreated, NotificationTypes.PollDeadlineSoon, NotificationTypes.PollResult];
        return Enumerable.Range(0, count).Select(i => new InboxEntry(userId, Guid.NewGuid(), types[i % 3], $"Notification {i}",
            $"Who has the best laugh? ({i})", Guid.NewGuid(), Guid.NewGuid(), Start.AddMinutes(i))).ToList();
    }
}
