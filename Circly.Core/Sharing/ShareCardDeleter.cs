using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Circly.Core.Sharing;

/// <summary>
/// Deletes stored cards: the blob first, then its row, so a card is never left without the row
/// that finds it. What Storage refuses now stays listed and the sweep tries again.
/// </summary>
internal sealed partial class ShareCardDeleter(ShareCardRepository repository, ShareCardStore store, IOptions<SharingOptions> options,
    TimeProvider clock, ILogger<ShareCardDeleter> logger)
{
    private const int Batch = 500;

    public async Task<int> DeleteAsync(IReadOnlyCollection<string> blobNames, CancellationToken cancellationToken)
    {
        if (blobNames.Count == 0)
        {
            return 0;
        }
        var deleted = await store.DeleteAsync(blobNames, cancellationToken);
        await repository.DeleteAsync(deleted, cancellationToken);
        if (deleted.Count < blobNames.Count)
        {
            LogDeferred(logger, blobNames.Count - deleted.Count);
        }
        return deleted.Count;
    }

    /// <summary>After a poll's deletion: never throws, the sweep finishes what an outage interrupts.</summary>
    public async Task DeleteForPollAsync(Guid pollId, CancellationToken cancellationToken)
    {
        try
        {
            await DeleteAsync(await repository.OfPollAsync(pollId, cancellationToken), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogDeferredPoll(logger, exception.GetType().Name);
        }
    }

    /// <summary>
    /// The cleanup timer's part: cards past retention, cards whose account or poll row is gone,
    /// cards of polls the Polls module says were deleted, and blobs past retention with no row.
    /// </summary>
    public async Task<int> SweepAsync(Func<IReadOnlyCollection<Guid>, CancellationToken, Task<IReadOnlyList<Guid>>> findRemovedPolls, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - options.Value.CardRetention;
        var total = 0;
        IReadOnlyList<string> due;
        do
        {
            due = await repository.DueAsync(cutoff, Batch, cancellationToken);
            var deleted = await DeleteAsync(due, cancellationToken);
            total += deleted;
            if (deleted < due.Count)
            {
                break;
            }
        }
        while (due.Count == Batch);

        var after = Guid.Empty;
        IReadOnlyList<Guid> polls;
        do
        {
            polls = await repository.PollIdsAsync(after, Batch, cancellationToken);
            var removed = await findRemovedPolls(polls, cancellationToken);
            total += await DeleteAsync(await repository.OfPollsAsync([.. removed], cancellationToken), cancellationToken);
            after = polls.Count > 0 ? polls[^1] : after;
        }
        while (polls.Count == Batch);

        // A row removed while its upload was still on the way would leave a blob nobody lists.
        total += (await store.DeleteAsync(await store.OlderThanAsync(cutoff, cancellationToken), cancellationToken)).Count;
        return total;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} share cards could not be deleted now; the cleanup sweep retries")]
    private static partial void LogDeferred(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Share cards of a deleted poll left for the cleanup sweep: {Reason}")]
    private static partial void LogDeferredPoll(ILogger logger, string reason);
}
