using Circly.Core.Outbox;
using Circly.Core.Storage;

namespace Circly.Core.Health;

/// <summary>What one sample found: depth and poison count per queue, and where the outbox stands.</summary>
public sealed record BacklogSample(IReadOnlyDictionary<string, (long Depth, long Poison)> Queues, OutboxStatus Outbox);

/// <summary>Reads every queue's depth (with its poison queue) and the outbox's state, and records them as gauges.</summary>
public sealed class BacklogSampler(StorageClients storage, OutboxDelivery outbox, BacklogMetrics metrics)
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
        var status = await outbox.StatusAsync(cancellationToken);
        metrics.RecordOutbox(status);
        return new BacklogSample(queues, status);
    }
}
