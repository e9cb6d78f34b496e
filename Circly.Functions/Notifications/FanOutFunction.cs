using Circly.Core.Notifications;
using Circly.Core.Outbox;
using Circly.Core.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Notifications;

public sealed class FanOutFunction(NotificationFanOut fanOut, OutboxDelivery delivery)
{
    /// <summary>
    /// One outbox event → inbox entries and push batches. At-least-once delivery is fine: it is
    /// idempotent. The last step lists the batches; the event is consumed once the push sender has
    /// finished each (PushFunctions). Until then the outbox sweep sends it again (a lost message, a
    /// lost batch, a run killed half-way).
    /// </summary>
    [Function(nameof(FanOutEvent))]
    public async Task FanOutEvent([QueueTrigger(StorageNames.OutboxEventsQueue)] string message, CancellationToken cancellationToken)
    {
        var outboxEvent = OutboxWriter.Parse(message);
        var report = await fanOut.HandleAsync(outboxEvent, cancellationToken);
        // The work is done: it is recorded even when the host is shutting down.
        await delivery.FannedOutAsync(outboxEvent.EventId, report.BatchIds, CancellationToken.None);
    }
}
