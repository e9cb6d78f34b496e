using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Circly.Core.Storage;
using Dapper;
using Npgsql;

namespace Circly.Bench;

/// <summary>
/// How the polls of one fan-out reached their recipients, counted at the Expo test server, in the
/// inbox table and in the outbox. InDoubt: not delivered, and claimed by a sender that never recorded
/// an answer (a process killed mid-send): pushes go at most once per device, so never sent again.
/// </summary>
public sealed record DeliveryCount(int Expected, int Delivered, int Missing, int Duplicates, int ReportedFailed, int InDoubt, int InboxMissing, int Events, int EventsUnconsumed, int PollsOpen, int DuplicateEvents);

/// <summary>
/// Reads what a fault did: each recipient's pushes at the Expo test server (by token and poll), the
/// failures the push sender recorded (claims whose ticket is an error, rejected or unknown, and
/// batches in the poison queue), the inbox entries (PostgreSQL), and the outbox rows.
/// </summary>
public sealed class FaultProbe(NpgsqlDataSource db, string storage, ExpoBenchServer expo)
{
    private sealed record Recipient(Guid PollId, Guid UserId);

    private sealed record OutboxRow(Guid Id, Guid PollId, DateTime CreatedAt, bool Consumed);

    /// <summary>The token DataLoader.GiveEveryoneADeviceAsync gave the user.</summary>
    public static string TokenOf(Guid userId) => $"ExponentPushToken[bench{userId:N}]";

    /// <summary>Pushes counted so far for these polls' results: (delivered, missing) without the slower checks.</summary>
    public async Task<DeliveryCount> CountAsync(IReadOnlyCollection<Guid> polls, bool full)
    {
        await using var connection = await db.OpenConnectionAsync();
        var recipients = (await connection.QueryAsync<Recipient>("""
            SELECT p.id AS "PollId", m.user_id AS "UserId" FROM polls p JOIN circle_members m ON m.circle_id = p.circle_id AND m.is_active
            WHERE p.id = ANY(@polls)
            """, new { polls = polls.ToArray() })).ToList();
        var events = (await connection.QueryAsync<OutboxRow>("""
            SELECT id AS "Id", (payload->>'pollId')::uuid AS "PollId", created_at AS "CreatedAt", consumed_at IS NOT NULL AS "Consumed"
            FROM outbox_events WHERE event_type = 'PollClosed' AND payload->>'pollId' = ANY(@polls)
            """, new { polls = polls.Select(p => p.ToString()).ToArray() })).ToList();
        var open = await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM polls WHERE id = ANY(@polls) AND NOT is_closed", new { polls = polls.ToArray() });

        var (failed, sending) = full ? await ClaimsAsync(events) : ([], []);
        int delivered = 0, missing = 0, duplicates = 0, reportedFailed = 0, inDoubt = 0;
        var eventOfPoll = events.GroupBy(e => e.PollId).ToDictionary(g => g.Key, g => g.First());
        foreach (var poll in recipients.GroupBy(r => r.PollId))
        {
            var notDelivered = 0;
            foreach (var recipient in poll)
            {
                var accepted = expo.AcceptedFor(TokenOf(recipient.UserId), recipient.PollId.ToString());
                delivered += accepted > 0 ? 1 : 0;
                duplicates += Math.Max(0, accepted - 1);
                notDelivered += accepted == 0 ? 1 : 0;
            }
            // Claims hold no token (a keyed hash), so failures are matched by their number per event.
            var known = eventOfPoll.TryGetValue(poll.Key, out var e);
            var failures = Math.Min(notDelivered, known ? failed.GetValueOrDefault(e!.Id) : 0);
            var doubtful = Math.Min(notDelivered - failures, known ? sending.GetValueOrDefault(e!.Id) : 0);
            reportedFailed += failures;
            inDoubt += doubtful;
            missing += notDelivered - failures - doubtful;
        }
        var inboxMissing = full ? await InboxMissingAsync(recipients, eventOfPoll) : 0;
        var duplicateEvents = events.Count - eventOfPoll.Count;
        return new DeliveryCount(recipients.Count, delivered, missing, duplicates, reportedFailed, inDoubt, inboxMissing, events.Count, events.Count(e => !e.Consumed), open, duplicateEvents);
    }

    /// <summary>
    /// Per event, the pushes that ended as a recorded failure (claims whose ticket is an error,
    /// rejected or unknown, and messages of its batches in the poison queue: given back, never sent),
    /// and the claims still "sending" (no answer was ever recorded).
    /// </summary>
    private async Task<(Dictionary<Guid, int> Failed, Dictionary<Guid, int> Sending)> ClaimsAsync(IReadOnlyList<OutboxRow> events)
    {
        var failed = new Dictionary<Guid, int>();
        var sending = new Dictionary<Guid, int>();
        var poison = new QueueClient(storage, StorageNames.PoisonQueueOf(StorageNames.PushBatchesQueue));
        if (await poison.ExistsAsync())
        {
            foreach (var message in (await poison.PeekMessagesAsync(32)).Value)
            {
                using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString())));
                var eventId = json.RootElement.GetProperty("eventId").GetGuid();
                failed[eventId] = failed.GetValueOrDefault(eventId) + json.RootElement.GetProperty("messages").GetArrayLength();
            }
        }
        await using var connection = await db.OpenConnectionAsync();
        var claims = await connection.QueryAsync<(Guid EventId, string Status, int Count)>(
            "SELECT event_id, status, count(*)::int FROM push_claims WHERE event_id = ANY(@ids) GROUP BY event_id, status",
            new { ids = events.Select(e => e.Id).ToArray() });
        foreach (var (eventId, status, count) in claims)
        {
            if (status is "unknown" or "error" or "rejected")
            {
                failed[eventId] = failed.GetValueOrDefault(eventId) + count;
            }
            else if (status is "sending")
            {
                sending[eventId] = sending.GetValueOrDefault(eventId) + count;
            }
        }
        return (failed, sending);
    }

    /// <summary>Recipients without the inbox entry of their poll's event (inbox_entries, in PostgreSQL since issue 17).</summary>
    private async Task<int> InboxMissingAsync(IReadOnlyList<Recipient> recipients, IReadOnlyDictionary<Guid, OutboxRow> eventOfPoll)
    {
        var known = recipients.Where(r => eventOfPoll.ContainsKey(r.PollId)).ToList();
        await using var connection = await db.OpenConnectionAsync();
        var present = await connection.ExecuteScalarAsync<int>("""
            SELECT count(*)::int FROM unnest(@users, @events) AS r (user_id, event_id)
            WHERE EXISTS (SELECT 1 FROM inbox_entries i WHERE i.user_id = r.user_id AND i.event_id = r.event_id)
            """, new { users = known.Select(r => r.UserId).ToArray(), events = known.Select(r => eventOfPoll[r.PollId].Id).ToArray() });
        return recipients.Count - present;
    }

    /// <summary>
    /// Waits until every recipient's push is delivered or recorded failed and every event consumed,
    /// or the deadline passes; returns the seconds it took (null when it did not happen).
    /// </summary>
    public async Task<double?> WaitDeliveredAsync(IReadOnlyCollection<Guid> polls, TimeSpan deadline, Progress progress)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < deadline)
        {
            var count = await TryCountAsync(polls, full: watch.Elapsed.TotalSeconds % 10 < 1);
            if (count is { Missing: 0, EventsUnconsumed: 0, PollsOpen: 0 } && count.Events > 0)
            {
                return watch.Elapsed.TotalSeconds;
            }
            if (count is not null)
            {
                await progress.StatusAsync($"delivered {count.Delivered}/{count.Expected}, failed {count.ReportedFailed}, events unconsumed {count.EventsUnconsumed}/{count.Events}, polls open {count.PollsOpen}, {watch.Elapsed.TotalSeconds:0}s");
            }
            await Task.Delay(1000);
        }
        return null;
    }

    /// <summary>A count that tolerates a store still coming back.</summary>
    public async Task<DeliveryCount?> TryCountAsync(IReadOnlyCollection<Guid> polls, bool full)
    {
        try
        {
            return await CountAsync(polls, full);
        }
        catch (Exception exception) when (exception is NpgsqlException or Azure.RequestFailedException or HttpRequestException or TimeoutException)
        {
            return null;
        }
    }
}
