using Circly.Core.Notifications;
using Circly.Core.Outbox;
using Circly.Core.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Notifications;

public sealed class FanOutFunction(NotificationFanOut fanOut)
{
    /// <summary>One outbox event → inbox entries and push batches. At-least-once delivery is fine: it is idempotent.</summary>
    [Function(nameof(FanOutEvent))]
    public Task FanOutEvent([QueueTrigger(StorageNames.OutboxEventsQueue)] string message, CancellationToken cancellationToken) =>
        fanOut.HandleAsync(OutboxWriter.Parse(message), cancellationToken);
}
