using Circly.Core.Polls;
using Circly.Core.Users;
using Npgsql;

namespace Circly.Core.Sharing;

/// <summary>A deleted poll's cards go at once (or with the next sweep if Storage is down).</summary>
internal sealed class ShareCardPollCleaner(ShareCardDeleter deleter) : IPollDataCleaner
{
    public Task RemovePollAsync(Guid pollId, CancellationToken cancellationToken) => deleter.DeleteForPollAsync(pollId, cancellationToken);
}

/// <summary>
/// Account deletion deletes the user's cards in its transaction: the blobs Storage deletes within
/// a few seconds lose their rows here; the rest keep a row whose user_id the deletion clears
/// (ON DELETE SET NULL), which the sweep deletes. Storage being down never blocks the deletion.
/// </summary>
internal sealed class ShareCardAccountCleaner(ShareCardRepository repository, ShareCardStore store) : IAccountDataCleaner
{
    private static readonly TimeSpan StorageBudget = TimeSpan.FromSeconds(5);

    public async Task RemoveUserAsync(Guid userId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var cards = await repository.OfUserAsync(userId, connection, transaction, cancellationToken);
        if (cards.Count == 0)
        {
            return;
        }
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(StorageBudget);
        IReadOnlyList<string> deleted;
        try
        {
            deleted = await store.DeleteAsync(cards, budget.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return;
        }
        await repository.DeleteAsync(deleted, connection, transaction, cancellationToken);
    }
}
