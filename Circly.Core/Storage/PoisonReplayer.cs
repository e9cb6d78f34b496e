using Circly.Core.Errors;
using Microsoft.Extensions.Logging;

namespace Circly.Core.Storage;

/// <summary>What one replay did: messages moved back to the queue, and those left in its poison queue.</summary>
public sealed record PoisonReplayReport(string Queue, int Moved, int LeftInPoison);

/// <summary>
/// Moves the messages of a poison queue back to their queue once the cause is fixed
/// (docs/OPERATIONS.md, "Draining a poison queue"). Each message is moved once:
/// it is received under a lease (no second run, concurrent or later, sees it), sent to the queue
/// with its body untouched, then deleted from the poison queue. A run takes no more messages than
/// the poison queue held when it began, and skips any inserted after that (one that failed again
/// right away; insertion times have whole seconds, hence both), so one run never sends a message
/// back twice. Should the process die between the send and the delete,
/// the lease runs out and a later run would send that one message again; the consumers deduplicate
/// (outbox events by event id, pushes by their (event, device) claims), so it still acts once.
/// </summary>
public sealed partial class PoisonReplayer(StorageClients storage, TimeProvider clock, ILogger<PoisonReplayer> logger)
{
    /// <summary>Long enough for a run of <see cref="MaxPerRun"/> messages; short enough to retry soon after a crash.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private const int ReceiveBatch = 32;

    public const int MaxPerRun = 5000;

    public async Task<PoisonReplayReport> ReplayAsync(string queue, int max, CancellationToken cancellationToken)
    {
        if (!StorageNames.Queues.Contains(queue, StringComparer.Ordinal))
        {
            throw Fail.InvalidFormat("queue", $"must be one of: {string.Join(", ", StorageNames.Queues)}.");
        }
        if (max is < 1 or > MaxPerRun)
        {
            throw Fail.OutOfRange("max", $"must be between 1 and {MaxPerRun}.");
        }
        var started = clock.GetUtcNow();
        var poison = storage.RawQueue(StorageNames.PoisonQueueOf(queue));
        var target = storage.RawQueue(queue);
        var limit = Math.Min(max, (await poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount);
        var moved = 0;
        var later = new List<(string Id, string PopReceipt)>();
        while (moved < limit)
        {
            var batch = (await poison.ReceiveMessagesAsync(Math.Min(ReceiveBatch, limit - moved), Lease, cancellationToken)).Value;
            if (batch.Length == 0)
            {
                break;
            }
            foreach (var message in batch)
            {
                if (message.InsertedOn > started)
                {
                    later.Add((message.MessageId, message.PopReceipt));
                    continue;
                }
                await target.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
                await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
                moved++;
            }
        }
        // Messages poisoned again during this run become visible again at once, for the next run.
        foreach (var (id, popReceipt) in later)
        {
            await poison.UpdateMessageAsync(id, popReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
        }
        var left = (await poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        LogReplayed(logger, moved, queue, left);
        return new PoisonReplayReport(queue, moved, left);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Poison replay: moved {Moved} messages back to {Queue}; {Left} left in its poison queue")]
    private static partial void LogReplayed(ILogger logger, int moved, string queue, int left);
}
