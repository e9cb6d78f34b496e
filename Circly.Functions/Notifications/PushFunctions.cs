using Circly.Core.Notifications;
using Circly.Core.Outbox;
using Circly.Core.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Circly.Functions.Notifications;

public sealed partial class PushFunctions(PushSender sender, PushReceiptChecker receipts, NotificationEvents events, OutboxDelivery delivery, ILogger<PushFunctions> logger)
{
    /// <summary>
    /// One push batch (≤ 100 notifications of one event) to Expo. An exception gives the message back
    /// to the queue (Expo unavailable) or, after host.json's maxDequeueCount, to push-batches-poison
    /// (also where an invalid batch ends). Done, it counts towards its outbox event's delivery, and a
    /// copy that comes back after that is skipped.
    /// </summary>
    [Function(nameof(SendPushBatch))]
    public async Task SendPushBatch([QueueTrigger(StorageNames.PushBatchesQueue)] string message, CancellationToken cancellationToken)
    {
        var batch = PushBatches.Parse(message);
        if (await delivery.IsBatchDoneAsync(batch.EventId, batch.BatchId, cancellationToken))
        {
            LogAlreadyDone(logger, batch.BatchId, batch.EventId);
            return;
        }
        var report = await sender.SendAsync(batch, cancellationToken);
        // The pushes went out: that they did is recorded even when the host is shutting down (as the
        // sender records its tickets), so the message completes instead of waiting out its lease.
        await delivery.BatchDoneAsync(batch.EventId, batch.BatchId, new PushSent(report.Accepted, report.TicketErrors + report.Rejected), CancellationToken.None);
        LogSent(logger, report.Messages, report.Accepted, report.AlreadySent, report.TicketErrors, report.Rejected, report.Unknown, report.Deactivated);
    }

    /// <summary>Receipts for tickets older than Expo:ReceiptDelay; DeviceNotRegistered deactivates the device; the run's figures go to analytics.</summary>
    [Function(nameof(CheckPushReceipts))]
    public async Task CheckPushReceipts([TimerTrigger("%PUSH_RECEIPTS_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var report = await receipts.CheckAsync(cancellationToken);
        await events.ReceiptsCheckedAsync(report, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push batch {BatchId} of event {EventId} came back after it was done; skipped")]
    private static partial void LogAlreadyDone(ILogger logger, Guid batchId, Guid eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Push batch of {Messages}: {Accepted} accepted, {AlreadySent} sent before, {TicketErrors} ticket errors, {Rejected} rejected, {Unknown} unknown, {Deactivated} devices deactivated")]
    private static partial void LogSent(ILogger logger, int messages, int accepted, int alreadySent, int ticketErrors, int rejected, int unknown, int deactivated);
}
