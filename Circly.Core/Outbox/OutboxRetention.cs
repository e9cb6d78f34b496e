using Circly.Core.Database;
using Npgsql;

namespace Circly.Core.Outbox;

/// <summary>Dispatched events are only kept for a while to investigate deliveries; pending ones are never deleted.</summary>
public sealed class OutboxRetention(NpgsqlDataSource dataSource)
{
    public Task<int> DeleteDispatchedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        BatchedDelete.RunAsync(dataSource, """
            DELETE FROM outbox_events WHERE id IN (
                SELECT id FROM outbox_events WHERE dispatched_at < @cutoff LIMIT @batch)
            """, new { cutoff }, cancellationToken);
}
