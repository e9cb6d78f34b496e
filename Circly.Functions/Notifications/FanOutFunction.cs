using Circly.Core.Analytics;
using Circly.Core.Notifications;
using Circly.Core.Outbox;
using Circly.Core.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Notifications;

public sealed class FanOutFunction(NotificationFanOut fanOut, AnalyticsService analytics, OutboxDelivery delivery)
{
    /// <summary>
    /// One outbox event → its analytics row (product events) and its inbox entries and push batches
    /// (poll events). The queue's only consumer, so both happen here; both are idempotent per event
    /// id, so at-least-once delivery and a retry after either step failed are fine. The last step
    /// lists the batches; the event is consumed once the push sender has finished each
    /// (PushFunctions), at once when there are none. Until then the outbox sweep sends it again (a
    /// lost message, a lost batch, a run killed half-way).
    /// </summary>
    [Function(nameof(FanOutEvent))]
    public async Task FanOutEvent([QueueTrigger(StorageNames.OutboxEventsQueue)] string message, CancellationToken cancellationToken)
    {
        var parsed = OutboxWriter.Parse(message);
        await analytics.RecordAsync(parsed, cancellationToken);
        var report = await fanOut.HandleAsync(parsed, cancellationToken);
        // The work is done: it is recorded even when the host is shutting down.
        await delivery.FannedOutAsync(parsed.EventId, report.BatchIds, CancellationToken.None);
    }
}
