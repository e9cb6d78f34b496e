using Dapper;
using Npgsql;

namespace Circly.Core.Outbox;

/// <summary>Where the outbox stands: events waiting for their queue, and dispatched events their consumer has not finished yet.</summary>
/// <param name="Pending">Not on a queue yet (written, or every send failed so far).</param>
/// <param name="OldestPending">Age of the oldest pending event (the outbox lag); zero when none.</param>
/// <param name="Unconsumed">On a queue, not consumed yet: in flight, or lost on the way and due to be sent again.</param>
/// <param name="OldestUnconsumed">Age, from its creation, of the oldest unconsumed event; zero when none.</param>
/// <param name="Stuck">Unconsumed after <see cref="OutboxOptions.MaxDispatches"/> dispatches: the sweep gave up on them.</param>
public sealed record OutboxStatus(long Pending, TimeSpan OldestPending, long Unconsumed, TimeSpan OldestUnconsumed, long Stuck);

/// <summary>
/// The consumers' side of the outbox: an event is consumed, which is what makes it delivered (see
/// <see cref="OutboxOptions"/>), when its fan-out has finished (every inbox entry written, its push
/// batches queued and listed) and the push sender has finished every listed batch; and the figures
/// health and metrics report. Each step locks the event's row first, so the last of them, whichever
/// it is, sees the others and marks the event consumed.
/// </summary>
public sealed class OutboxDelivery(NpgsqlDataSource dataSource, Microsoft.Extensions.Options.IOptions<OutboxOptions> options)
{
    private sealed record Counts(long Pending, double? OldestPending, long Unconsumed, double? OldestUnconsumed, long Stuck);

    /// <summary>
    /// The fan-out is done with the event and queued these push batches (none: nobody to push to).
    /// A run again replaces the unfinished batches of an earlier run: its own carry every push again.
    /// </summary>
    public Task FannedOutAsync(Guid eventId, IReadOnlyCollection<Guid> batchIds, CancellationToken cancellationToken) =>
        StepAsync(eventId, (connection, transaction) => connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM outbox_event_batches WHERE event_id = @eventId AND NOT done AND batch_id <> ALL(@batchIds);
            INSERT INTO outbox_event_batches (event_id, batch_id) SELECT @eventId, unnest(@batchIds) ON CONFLICT DO NOTHING;
            UPDATE outbox_events SET fanned_out_at = now() WHERE id = @eventId;
            """, new { eventId, batchIds = batchIds.ToArray() }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    /// <summary>
    /// The push sender is done with one batch of the event (sent, sent before, or failed for good):
    /// possibly before the fan-out listed it. The first time a batch is done, its figures become a
    /// <see cref="PushSent"/> event in the same transaction (analytics' delivery rate), so a batch seen
    /// again is never counted twice.
    /// </summary>
    public Task BatchDoneAsync(Guid eventId, Guid batchId, PushSent figures, CancellationToken cancellationToken) =>
        StepAsync(eventId, async (connection, transaction) =>
        {
            var newlyDone = await connection.ExecuteScalarAsync<bool?>(new CommandDefinition("""
                INSERT INTO outbox_event_batches (event_id, batch_id, done) VALUES (@eventId, @batchId, true)
                ON CONFLICT (event_id, batch_id) DO UPDATE SET done = true WHERE NOT outbox_event_batches.done
                RETURNING true
                """, new { eventId, batchId }, transaction, cancellationToken: cancellationToken));
            if (newlyDone == true && figures.Sent + figures.Failed > 0)
            {
                await OutboxWriter.AddAsync(connection, transaction, OutboxEventTypes.PushSent, figures, cancellationToken);
            }
        }, cancellationToken);

    /// <summary>
    /// Whether the push sender already finished this batch: a batch message seen again after that (a
    /// store that lost the message's deletion, and with it perhaps the claims that make a resend
    /// harmless) is skipped on the database's word.
    /// </summary>
    public async Task<bool> IsBatchDoneAsync(Guid eventId, Guid batchId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM outbox_event_batches WHERE event_id = @eventId AND batch_id = @batchId AND done)",
            new { eventId, batchId }, cancellationToken: cancellationToken));
    }

    private async Task StepAsync(Guid eventId, Func<NpgsqlConnection, NpgsqlTransaction, Task> step, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // An event the retention already deleted (or a batch of no event) has nothing left to confirm.
        if (await connection.ExecuteScalarAsync<int?>(new CommandDefinition("SELECT 1 FROM outbox_events WHERE id = @eventId FOR UPDATE",
                new { eventId }, transaction, cancellationToken: cancellationToken)) is null)
        {
            return;
        }
        await step(connection, transaction);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE outbox_events SET consumed_at = now()
            WHERE id = @eventId AND consumed_at IS NULL AND fanned_out_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM outbox_event_batches WHERE event_id = @eventId AND NOT done)
            """, new { eventId }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Both counts through their partial indexes; ages by the database's clock, which wrote the times.</summary>
    public async Task<OutboxStatus> StatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var counts = await connection.QuerySingleAsync<Counts>(new CommandDefinition("""
            SELECT
              (SELECT count(*) FROM outbox_events WHERE dispatched_at IS NULL) AS pending,
              (SELECT extract(epoch FROM now() - min(created_at))::float8 FROM outbox_events WHERE dispatched_at IS NULL) AS oldest_pending,
              (SELECT count(*) FROM outbox_events WHERE dispatched_at IS NOT NULL AND consumed_at IS NULL) AS unconsumed,
              (SELECT extract(epoch FROM now() - min(created_at))::float8 FROM outbox_events WHERE dispatched_at IS NOT NULL AND consumed_at IS NULL) AS oldest_unconsumed,
              (SELECT count(*) FROM outbox_events WHERE dispatched_at IS NOT NULL AND consumed_at IS NULL AND attempts >= @maxDispatches
                 AND dispatched_at < now() - @redeliverAfter) AS stuck
            """, new { maxDispatches = options.Value.MaxDispatches, redeliverAfter = options.Value.RedeliverAfter }, cancellationToken: cancellationToken));
        return new OutboxStatus(counts.Pending, Age(counts.OldestPending), counts.Unconsumed, Age(counts.OldestUnconsumed), counts.Stuck);
    }

    private static TimeSpan Age(double? seconds) => seconds is > 0 ? TimeSpan.FromSeconds(seconds.Value) : TimeSpan.Zero;
}
