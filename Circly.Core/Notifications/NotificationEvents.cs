using Circly.Core.Outbox;
using Npgsql;

namespace Circly.Core.Notifications;

/// <summary>
/// The Notifications module's product events for analytics (docs/ANONYMITY.md "Analytics"): counts
/// per push batch and receipt run, and inbox reads. None announces a database change of its own
/// (pushes and the inbox live in Storage), so each is one insert of its own; nothing is written when
/// there is nothing to count.
/// </summary>
public sealed class NotificationEvents(NpgsqlDataSource dataSource)
{
    /// <summary>Accepted by Expo, and not delivered to it (ticket errors, rejected, unknown); a batch sent before counts nothing again.</summary>
    public Task BatchSentAsync(PushBatchReport report, CancellationToken cancellationToken)
    {
        var failed = report.TicketErrors + report.Rejected + report.Unknown;
        return report.Accepted + failed == 0
            ? Task.CompletedTask
            : OutboxWriter.AddAloneAsync(dataSource, OutboxEventTypes.PushSent, new PushSent(report.Accepted, failed), cancellationToken);
    }

    /// <summary>Delivered to Apple or Google, and failed (Expo's errors and receipts that never came).</summary>
    public Task ReceiptsCheckedAsync(PushReceiptReport report, CancellationToken cancellationToken)
    {
        var failed = report.Errors.Values.Sum() + report.Expired;
        return report.Ok + failed == 0
            ? Task.CompletedTask
            : OutboxWriter.AddAloneAsync(dataSource, OutboxEventTypes.PushReceipts, new PushReceipts(report.Ok, failed), cancellationToken);
    }

    public Task OpenedAsync(Guid userId, int count, CancellationToken cancellationToken) =>
        count <= 0 ? Task.CompletedTask : OutboxWriter.AddAloneAsync(dataSource, OutboxEventTypes.NotificationOpened, new NotificationOpened(userId, count), cancellationToken);
}
