using Circly.Core.Database;
using Npgsql;

namespace Circly.Core.Outbox;

/// <summary>
/// Consumed events are only kept for a while to investigate deliveries; pending ones, and dispatched
/// ones no consumer finished, are never deleted (the health check counts them for an operator).
/// </summary>
public sealed class OutboxRetention(NpgsqlDataSource dataSource)
{
    public Task<int> DeleteConsumedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        BatchedDelete.RunAsync(dataSource, Statement, new { cutoff }, cancellationToken);

    private static readonly string Statement = BatchedDelete.Statement("outbox_events", "consumed_at", "consumed_at < @cutoff");
}
