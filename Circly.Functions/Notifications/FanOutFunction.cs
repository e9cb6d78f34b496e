using Circly.Core.Analytics;
using Circly.Core.Notifications;
using Circly.Core.Outbox;
using Circly.Core.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Notifications;

public sealed class FanOutFunction(NotificationFanOut fanOut, AnalyticsService analytics)
{
    /// <summary>
    /// One outbox event → its analytics row (product events) and its inbox entries and push batches
    /// (poll events). The queue's only consumer, so both happen here; both are idempotent per event
    /// id, so at-least-once delivery and a retry after either step failed are fine.
    /// </summary>
    [Function(nameof(FanOutEvent))]
    public async Task FanOutEvent([QueueTrigger(StorageNames.OutboxEventsQueue)] string message, CancellationToken cancellationToken)
    {
        var parsed = OutboxWriter.Parse(message);
        await analytics.RecordAsync(parsed, cancellationToken);
        await fanOut.HandleAsync(parsed, cancellationToken);
    }
}
