namespace Circly.Core.Storage;

/// <summary>
/// Every queue and blob container Circly uses; infra/ provisions exactly these. Circly keeps no
/// Table Storage of its own: the inbox and the push claims are in PostgreSQL (docs/ARCHITECTURE.md).
/// </summary>
public static class StorageNames
{
    public const string OutboxEventsQueue = "outbox-events";
    public const string PushBatchesQueue = "push-batches";

    public const string ResultCardsContainer = "result-cards";

    public static readonly IReadOnlyList<string> Queues = [OutboxEventsQueue, PushBatchesQueue];
    public static readonly IReadOnlyList<string> Containers = [ResultCardsContainer];

    /// <summary>Where the Functions host moves a message after maxDequeueCount failures.</summary>
    public static string PoisonQueueOf(string queue) => queue + "-poison";
}
