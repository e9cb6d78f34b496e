using Circly.Core.Errors;

namespace Circly.Core.Circles;

/// <summary>
/// Blocks. A member blocks another member of a shared circle; the block is between the two people
/// (it holds in every circle they share) and the blocked one is never told. Its effect on polls and
/// notifications (docs/SAFETY.md) is applied by the Polls and Notifications modules through
/// <see cref="SeparatedFromAsync"/>, the one place that says who is kept apart from whom.
/// </summary>
public sealed class BlockService
{
    private readonly BlockRepository _repository;

    internal BlockService(BlockRepository repository) => _repository = repository;

    public async Task<BlockView> BlockAsync(Guid userId, BlockRequest request, CancellationToken cancellationToken)
    {
        var circleId = request.CircleId ?? throw Fail.Required("circleId");
        var memberId = request.MemberId ?? throw Fail.Required("memberId");
        return await _repository.BlockAsync(userId, circleId, memberId, cancellationToken)
            ?? throw Fail.With(ErrorCodes.NotFound, "There is no such member in a circle you are in (and you can't block yourself).");
    }

    public async Task UnblockAsync(Guid userId, Guid blockId, CancellationToken cancellationToken)
    {
        if (!await _repository.UnblockAsync(userId, blockId, cancellationToken))
        {
            throw BlockNotFound();
        }
    }

    public Task<IReadOnlyList<BlockView>> ListAsync(Guid userId, CancellationToken cancellationToken) =>
        _repository.ListAsync(userId, null, cancellationToken);

    /// <summary>
    /// The people kept apart from this user: everyone they blocked and everyone who blocked them.
    /// Polls use it both ways (neither is an option in the other's new polls; neither sees the
    /// other's polls), the notification fan-out drops events caused by them.
    /// </summary>
    public Task<IReadOnlySet<Guid>> SeparatedFromAsync(Guid userId, CancellationToken cancellationToken) =>
        _repository.BlockedEitherWayAsync(userId, cancellationToken);

    public static CirclyException BlockNotFound() => Fail.With(ErrorCodes.NotFound, "You have no such block.");
}
