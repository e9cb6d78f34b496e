using Circly.Core.Database;
using Npgsql;

namespace Circly.Core.Outbox;

/// <summary>Dispatched events are only kept for a while to investigate deliveries; pending ones are never deleted.</summary>
public sealed class OutboxRetention(NpgsqlDataSource dataSource)
{
    public Task<int> DeleteDispatchedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        BatchedDelete.RunAsync(dataSource, Statement, new { cutoff }, cancellationToken);

    private static readonly string Statement = BatchedDelete.Statement("outbox_events", "dispatched_at", "dispatched_at < @cutoff");
}
