using Circly.Core.Outbox;
using Circly.Core.Storage;

namespace Circly.Core.Health;

/// <summary>What one sample found: depth and poison count per queue, and the outbox lag.</summary>
public sealed record BacklogSample(IReadOnlyDictionary<string, (long Depth, long Poison)> Queues, TimeSpan OutboxLag);

/// <summary>Reads every queue's depth (with its poison queue) and the outbox lag, and records them as gauges.</summary>
public sealed class BacklogSampler(StorageClients storage, OutboxDispatcher outbox, BacklogMetrics metrics, TimeProvider clock)
{
    public async Task<BacklogSample> SampleAsync(CancellationToken cancellationToken)
    {
        var queues = new Dictionary<string, (long Depth, long Poison)>(StringComparer.Ordinal);
        foreach (var queue in StorageNames.Queues)
        {
            var depth = storage.Queue(queue).GetPropertiesAsync(cancellationToken);
            var poison = storage.Queue(StorageNames.PoisonQueueOf(queue)).GetPropertiesAsync(cancellationToken);
            queues[queue] = ((await depth).Value.ApproximateMessagesCount, (await poison).Value.ApproximateMessagesCount);
            metrics.RecordQueue(queue, queues[queue].Depth, queues[queue].Poison);
        }
        var oldest = await outbox.OldestPendingAsync(cancellationToken);
        var lag = oldest is { } createdAt ? clock.GetUtcNow() - createdAt : TimeSpan.Zero;
        metrics.RecordOutboxLag(lag);
        return new BacklogSample(queues, lag < TimeSpan.Zero ? TimeSpan.Zero : lag);
    }
}
