using System.Text.Json;
using Circly.Core.Storage;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Circly.Core.Outbox;

/// <summary>
/// Moves committed outbox events onto the outbox-events queue: right after the commit that
/// wrote them, and again from the sweep timer for any left behind (a crash, storage down) and for
/// any dispatched but not consumed in time (a lost message, a consumer killed half-way; see
/// <see cref="OutboxOptions"/>). Delivery is at least once; consumers deduplicate by event id.
/// </summary>
public sealed partial class OutboxDispatcher(NpgsqlDataSource dataSource, StorageClients storage, IOptions<OutboxOptions> options, ILogger<OutboxDispatcher> logger)
{
    /// <summary>
    /// Events younger than this are left to the request that wrote them. Only a courtesy: rows are
    /// taken with FOR UPDATE SKIP LOCKED and marked in the same transaction, so a request and a
    /// sweep can never both send one event.
    /// </summary>
    public static readonly TimeSpan SweepGrace = TimeSpan.FromSeconds(2);

    private sealed record PendingEvent(Guid Id, string EventType, string Payload, DateTimeOffset CreatedAt, bool Again);

    /// <summary>After a commit: never throws, since the change is already made; the sweep retries.</summary>
    public async Task TryDispatchAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        if (eventIds.Count == 0)
        {
            return;
        }
        try
        {
            await DispatchAsync("SELECT id, event_type, payload::text AS payload, created_at, false AS again FROM outbox_events WHERE id = ANY(@eventIds) AND dispatched_at IS NULL FOR UPDATE SKIP LOCKED",
                new { eventIds = eventIds.ToArray() }, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogDeferred(logger, eventIds.Count, exception.GetType().Name);
        }
    }

    /// <summary>
    /// The timer's pass: every event past the grace period that never reached its queue, and every
    /// event dispatched longer than RedeliverAfter ago that its consumer has not finished, up to
    /// MaxDispatches dispatches. Returns how many went onto the queue.
    /// </summary>
    public async Task<int> SweepAsync(int batchSize, CancellationToken cancellationToken)
    {
        var total = 0;
        int sent;
        do
        {
            sent = await DispatchAsync("""
                SELECT id, event_type, payload::text AS payload, created_at, dispatched_at IS NOT NULL AS again FROM outbox_events
                WHERE (dispatched_at IS NULL AND created_at < now() - @grace)
                   OR (dispatched_at < now() - @redeliverAfter AND consumed_at IS NULL AND attempts < @maxDispatches)
                ORDER BY created_at LIMIT @batchSize FOR UPDATE SKIP LOCKED
                """, new { grace = SweepGrace, redeliverAfter = options.Value.RedeliverAfter, maxDispatches = options.Value.MaxDispatches, batchSize }, cancellationToken);
            total += sent;
        }
        while (sent == batchSize && !cancellationToken.IsCancellationRequested);
        return total;
    }

    private async Task<int> DispatchAsync(string select, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var pending = (await connection.QueryAsync<PendingEvent>(new CommandDefinition(select, parameters, transaction, cancellationToken: cancellationToken))).ToList();
        if (pending.Count == 0)
        {
            return 0;
        }
        var again = pending.Count(e => e.Again);
        if (again > 0)
        {
            LogRedelivering(logger, again);
        }

        var queue = storage.Queue(StorageNames.OutboxEventsQueue);
        var delivered = new List<Guid>();
        try
        {
            await Task.WhenAll(pending.Select(async e =>
            {
                using var payload = JsonDocument.Parse(e.Payload);
                await queue.SendMessageAsync(OutboxWriter.Serialize(new OutboxMessage(e.Id, e.EventType, payload.RootElement, e.CreatedAt)), cancellationToken);
                lock (delivered)
                {
                    delivered.Add(e.Id);
                }
            }));
        }
        finally
        {
            // Whatever reached the queue is marked, even when some sends failed; attempts counts dispatches.
            await connection.ExecuteAsync(new CommandDefinition("UPDATE outbox_events SET dispatched_at = now(), attempts = attempts + 1 WHERE id = ANY(@ids)",
                new { ids = delivered.ToArray() }, transaction, cancellationToken: CancellationToken.None));
            await transaction.CommitAsync(CancellationToken.None);
        }
        return delivered.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} outbox events dispatched before were not consumed in time: dispatching them again")]
    private static partial void LogRedelivering(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatch of {Count} outbox events deferred to the sweep: {Reason}")]
    private static partial void LogDeferred(ILogger logger, int count, string reason);
}
