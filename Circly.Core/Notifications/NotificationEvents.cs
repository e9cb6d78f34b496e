using Circly.Core.Outbox;
using Npgsql;

namespace Circly.Core.Notifications;

/// <summary>
/// The Notifications module's product events for analytics (docs/ANONYMITY.md "Analytics"): inbox
/// reads and push receipts. The inbox and the tickets live in Storage, so each event is one insert of
/// its own; nothing is written when there is nothing to count.
/// </summary>
public sealed class NotificationEvents(NpgsqlDataSource dataSource)
{
    public Task OpenedAsync(Guid userId, int count, CancellationToken cancellationToken) =>
        count <= 0 ? Task.CompletedTask : OutboxWriter.AddAloneAsync(dataSource, OutboxEventTypes.NotificationOpened, new NotificationOpened(userId, count), cancellationToken);

    /// <summary>
    /// A receipt run's figures. Written after the run has dropped its tickets from the index, so a crash
    /// in between loses that run's figures rather than counting them twice.
    /// </summary>
    public Task ReceiptsCheckedAsync(PushReceiptReport report, CancellationToken cancellationToken)
    {
        var failed = report.Errors.Values.Sum() + report.Expired;
        return report.Ok + failed <= 0 ? Task.CompletedTask
            : OutboxWriter.AddAloneAsync(dataSource, OutboxEventTypes.PushReceipts, new PushReceipts(report.Ok, failed), cancellationToken);
    }
}
