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
/// The consumers' side of the outbox: they mark an event consumed when they have finished with it,
/// which is what makes it delivered (see <see cref="OutboxOptions"/>); and the figures health and
/// metrics report.
/// </summary>
public sealed class OutboxDelivery(NpgsqlDataSource dataSource, Microsoft.Extensions.Options.IOptions<OutboxOptions> options)
{
    private sealed record Counts(long Pending, double? OldestPending, long Unconsumed, double? OldestUnconsumed, long Stuck);

    /// <summary>The consumer is done with the event: every effect it has is in place. Again is harmless (the first time stays).</summary>
    public async Task MarkConsumedAsync(Guid eventId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE outbox_events SET consumed_at = now() WHERE id = @eventId AND consumed_at IS NULL", new { eventId }, cancellationToken: cancellationToken));
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
