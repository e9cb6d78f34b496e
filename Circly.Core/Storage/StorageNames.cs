namespace Circly.Core.Storage;

/// <summary>Every queue, table and blob container Circly uses. infra/ provisions exactly these.</summary>
public static class StorageNames
{
    public const string OutboxEventsQueue = "outbox-events";
    public const string PushBatchesQueue = "push-batches";

    public const string ResultCardsContainer = "result-cards";

    public static readonly IReadOnlyList<string> Queues = [OutboxEventsQueue, PushBatchesQueue];
    /// <summary>None since the inbox (0050) and the push claims (0055) moved to PostgreSQL.</summary>
    public static readonly IReadOnlyList<string> Tables = [];
    public static readonly IReadOnlyList<string> Containers = [ResultCardsContainer];

    /// <summary>Where the Functions host moves a message after maxDequeueCount failures.</summary>
    public static string PoisonQueueOf(string queue) => queue + "-poison";
}
