using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Circly.Core.Notifications;
using Dapper;
using Npgsql;

namespace Circly.Bench;

/// <summary>
/// The fan-out's inbox write alone, for one event to N recipients, in both stores (issue 16):
/// Circly's PostgreSQL write (one INSERT … SELECT FROM unnest … ON CONFLICT DO NOTHING) against the
/// Table Storage design it replaced (per recipient: read the partition's unread counter, then one
/// entity-group transaction adding the entry and the counter; 16 recipients in parallel). Each is
/// timed twice: the first write, and a repeated write of the same event (a redelivery: nothing new).
/// </summary>
public sealed class InboxWriteCost(NpgsqlDataSource db, string storage, CpuMeter? cpu, Report report, Progress progress)
{
    private const string CounterKey = "~unread";

    public async Task RunAsync(int recipients)
    {
        await progress.StepAsync($"scenario inbox: one event's inbox entries for {recipients:N0} recipients, PostgreSQL and Table Storage");
        var users = Enumerable.Range(0, recipients).Select(_ => Guid.NewGuid()).ToArray();
        // One event, as a fan-out writes it: the same poll, circle, text and time for every recipient.
        var (eventId, pollId, circleId, createdAt) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), DateTimeOffset.UtcNow);
        var entries = users.Select(u => new InboxEntry(u, eventId, NotificationTypes.PollResult, "Results are in 🎉", "Who has the best laugh?",
            pollId, circleId, createdAt)).ToList();

        var inbox = new InboxService(new InboxRepository(db), TimeProvider.System);
        foreach (var run in new[] { "first write", "repeated write" })
        {
            var (ms, added, pg, azurite) = await MeasureAsync(() => inbox.WriteAsync(entries, CancellationToken.None));
            await RowAsync($"PostgreSQL, one statement, {run}: {recipients:N0} recipients", recipients, ms, added, pg, azurite);
        }
        await using (var connection = await db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("DELETE FROM inbox_entries WHERE event_id = @eventId", new { eventId });
        }

        var table = new TableClient(storage, "benchinbox");
        await table.CreateIfNotExistsAsync();
        foreach (var run in new[] { "first write", "repeated write" })
        {
            var (ms, added, pg, azurite) = await MeasureAsync(() => TableWriteAsync(table, entries));
            await RowAsync($"Table Storage, counter read + transaction per recipient (16 in parallel), {run}: {recipients:N0} recipients", recipients, ms, added, pg, azurite);
        }
        await table.DeleteAsync();
    }

    private async Task<(double Ms, int Added, double? PostgresMs, double? AzuriteMs)> MeasureAsync(Func<Task<int>> write)
    {
        var before = cpu?.Snapshot();
        var azuriteBefore = cpu?.AzuriteMs();
        var watch = Stopwatch.StartNew();
        var added = await write();
        var ms = watch.Elapsed.TotalMilliseconds;
        var after = cpu?.Snapshot();
        double? azurite = azuriteBefore is { } a0 && cpu?.AzuriteMs() is { } a1 ? a1 - a0 : null;
        return (ms, added, before is { } b && after is { } a ? a.PostgresMs - b.PostgresMs : null, azurite);
    }

    private async Task RowAsync(string what, int recipients, double ms, int added, double? postgresMs, double? azuriteMs)
    {
        // A backend that exits during the run takes its CPU time out of the sum: no figure then.
        static string Ms(double? ms) => ms is >= 0 ? string.Create(CultureInfo.InvariantCulture, $"{ms:0} ms") : "—";
        var cpuText = $"PostgreSQL CPU {Ms(postgresMs)}, Azurite CPU {Ms(azuriteMs)}";
        report.AddRow(string.Create(CultureInfo.InvariantCulture,
            $"| 4b. inbox write | {what} | {ms:0} ms ({recipients / (ms / 1000):0} entries/s) | | | | {added:N0} new; {cpuText} | | |"));
        await progress.StepAsync($"inbox write: {what}: {ms:0} ms, {added:N0} new");
    }

    /// <summary>The Table design's write (InboxService before issue 17), kept here only to measure it.</summary>
    private static async Task<int> TableWriteAsync(TableClient table, IReadOnlyList<InboxEntry> entries)
    {
        var added = 0;
        await Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (entry, token) =>
        {
            if (await TableAddAsync(table, entry, token))
            {
                Interlocked.Increment(ref added);
            }
        });
        return added;
    }

    private static async Task<bool> TableAddAsync(TableClient table, InboxEntry entry, CancellationToken cancellationToken)
    {
        var partition = entry.UserId.ToString("D");
        var rowKey = (DateTimeOffset.MaxValue.UtcTicks - entry.CreatedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + entry.EventId.ToString("N");
        var entity = new TableEntity(partition, rowKey)
        {
            ["EventId"] = entry.EventId, ["Type"] = entry.Type, ["Title"] = entry.Title, ["Body"] = entry.Body,
            ["PollId"] = entry.PollId, ["CircleId"] = entry.CircleId, ["CreatedAt"] = entry.CreatedAt, ["IsRead"] = false,
        };
        for (var attempt = 1; ; attempt++)
        {
            var counter = await table.GetEntityIfExistsAsync<TableEntity>(partition, CounterKey, cancellationToken: cancellationToken);
            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, entity) };
            actions.Add(counter.HasValue && counter.Value is { } c
                ? new(TableTransactionActionType.UpdateReplace, new TableEntity(partition, CounterKey) { ["Count"] = (c.GetInt32("Count") ?? 0) + 1 }, c.ETag)
                : new(TableTransactionActionType.Add, new TableEntity(partition, CounterKey) { ["Count"] = 1 }));
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return true;
            }
            catch (TableTransactionFailedException failure) when (failure.Status is 409 or 412 && attempt < 10)
            {
                if ((await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, select: ["RowKey"], cancellationToken: cancellationToken)).HasValue)
                {
                    return false;
                }
            }
        }
    }
}
