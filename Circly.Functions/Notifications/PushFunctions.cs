using Circly.Core.Notifications;
using Circly.Core.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Circly.Functions.Notifications;

public sealed partial class PushFunctions(PushSender sender, PushReceiptChecker receipts, ILogger<PushFunctions> logger)
{
    /// <summary>
    /// One push batch (≤ 100 notifications of one event) to Expo. An exception gives the message back
    /// to the queue (Expo unavailable) or, after host.json's maxDequeueCount, to push-batches-poison
    /// (also where an invalid batch ends).
    /// </summary>
    [Function(nameof(SendPushBatch))]
    public async Task SendPushBatch([QueueTrigger(StorageNames.PushBatchesQueue)] string message, CancellationToken cancellationToken)
    {
        var report = await sender.SendAsync(PushBatches.Parse(message), cancellationToken);
        LogSent(logger, report.Messages, report.Accepted, report.AlreadySent, report.TicketErrors, report.Rejected, report.Unknown, report.Deactivated);
    }

    /// <summary>Receipts for tickets older than Expo:ReceiptDelay; DeviceNotRegistered deactivates the device.</summary>
    [Function(nameof(CheckPushReceipts))]
    public Task CheckPushReceipts([TimerTrigger("%PUSH_RECEIPTS_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken) =>
        receipts.CheckAsync(cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Push batch of {Messages}: {Accepted} accepted, {AlreadySent} sent before, {TicketErrors} ticket errors, {Rejected} rejected, {Unknown} unknown, {Deactivated} devices deactivated")]
    private static partial void LogSent(ILogger logger, int messages, int accepted, int alreadySent, int ticketErrors, int rejected, int unknown, int deactivated);
}
