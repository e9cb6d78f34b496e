using Circly.Core.Errors;
using Npgsql;

namespace Circly.Core.Circles;

/// <summary>Which name of a circle a moderation step is about.</summary>
public enum NameKind
{
    CircleName,
    Nickname,
}

/// <summary>
/// What the Reports and Admin modules may do to circles and members: read them as a moderator
/// sees them, hide or restore a name, rename it to a placeholder, remove a member, close a circle.
/// Steps taken by an admin run in the caller's transaction, so the audit entry commits with them.
/// </summary>
public sealed class CircleModeration
{
    private readonly CircleRepository _repository;

    internal CircleModeration(CircleRepository repository) => _repository = repository;

    public Task<ModeratedMember?> FindMemberAsync(Guid memberId, CancellationToken cancellationToken) =>
        _repository.FindMemberAsync(memberId, cancellationToken);

    public Task<ModeratedCircle?> FindCircleAsync(Guid circleId, CancellationToken cancellationToken) =>
        _repository.FindCircleAsync(circleId, cancellationToken);

    /// <summary>Every membership of a user (at most 200, newest first), past ones included.</summary>
    public Task<IReadOnlyList<ModeratedMember>> MembershipsOfUserAsync(Guid userId, CancellationToken cancellationToken) =>
        _repository.MembershipsOfUserAsync(userId, cancellationToken);

    /// <summary>Auto-hide: the name shows as a placeholder from now on (no-op when already hidden).</summary>
    public Task HideAsync(NameKind kind, Guid id, CancellationToken cancellationToken) =>
        _repository.InTransactionAsync((connection, transaction) => SetHiddenAsync(kind, id, true, connection, transaction, cancellationToken), cancellationToken);

    /// <summary>Hides (true) or shows again (false) a circle name or nickname. False when there is no such circle or member.</summary>
    public async Task<bool> SetHiddenAsync(NameKind kind, Guid id, bool hidden, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        (kind == NameKind.Nickname
            ? await _repository.SetNicknameHiddenAsync(id, hidden, connection, transaction, cancellationToken)
            : await _repository.SetCircleNameHiddenAsync(id, hidden, connection, transaction, cancellationToken)) == 1;

    /// <summary>Replaces the name with a neutral one nobody chose ("Member 3F2A", "Circle 9C01"), no longer hidden.</summary>
    public Task<bool> RenameToPlaceholderAsync(NameKind kind, Guid id, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        kind == NameKind.Nickname
            ? _repository.RenameMemberAsync(id, connection, transaction, cancellationToken)
            : _repository.RenameCircleAsync(id, connection, transaction, cancellationToken);

    /// <summary>
    /// A moderator removes a member: as an owner's removal (no way back in through any invite of
    /// this circle, nickname kept reserved), and the circle's invite code and link are replaced.
    /// </summary>
    public async Task RemoveMemberAsync(Guid memberId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var member = await _repository.FindMemberAsync(memberId, cancellationToken);
        if (member is not { IsActive: true })
        {
            throw Fail.With(ErrorCodes.NotFound, "This member is no longer in the circle.");
        }
        var closed = await _repository.EndMembershipsAsync([memberId], removedByOwner: true, connection, transaction, cancellationToken);
        if (!closed.Contains(member.CircleId))
        {
            await _repository.RegenerateInviteAsync(member.CircleId, connection, transaction, cancellationToken);
        }
    }

    /// <summary>A moderator closes a circle: it and its polls stop being visible to everyone. False when it was not open.</summary>
    public async Task<bool> HideCircleAsync(Guid circleId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (await _repository.FindCircleAsync(circleId, cancellationToken) is not { IsActive: true })
        {
            return false;
        }
        await _repository.DeactivateCircleAsync(circleId, connection, transaction, cancellationToken);
        return true;
    }

    /// <summary>For poll options snapshotted before a nickname was hidden: the members whose nickname is hidden now.</summary>
    public Task<IReadOnlyList<Guid>> HiddenNicknameMemberIdsAsync(Guid circleId, CancellationToken cancellationToken) =>
        _repository.HiddenNicknameMemberIdsAsync(circleId, cancellationToken);
}
