using Circly.Core.Errors;
using Circly.Core.Outbox;
using Circly.Core.RateLimiting;
using Npgsql;

namespace Circly.Core.Circles;

/// <summary>
/// The Circles module: circles, invites, membership. Only members see a circle: someone who never
/// was a member gets CIRCLE_NOT_FOUND whether or not it exists; a former member gets
/// CIRCLE_NOT_MEMBER; a deleted circle is CIRCLE_NOT_FOUND for everyone.
/// </summary>
public sealed class CircleService
{
    private readonly CircleRepository _repository;
    private readonly InviteLinks _links;
    private readonly RateLimiter _rateLimiter;
    private readonly TimeProvider _clock;

    internal CircleService(CircleRepository repository, InviteLinks links, RateLimiter rateLimiter, TimeProvider clock)
    {
        _repository = repository;
        _links = links;
        _rateLimiter = rateLimiter;
        _clock = clock;
    }

    public async Task<CirclePage> ListMineAsync(Guid userId, int limit, int offset, CancellationToken cancellationToken)
    {
        var (items, total) = await _repository.ListForUserAsync(userId, limit, offset, cancellationToken);
        return new CirclePage([.. items.Select(Details)], total);
    }

    /// <summary>A new circle with the creator as its owner and first member.</summary>
    public async Task<CircleDetails> CreateAsync(Guid userId, CreateCircleRequest request, CancellationToken cancellationToken)
    {
        var name = CircleRules.CircleName(request.Name);
        var nickname = CircleRules.Nickname(request.Nickname);
        var maxMembers = CircleRules.MaxMembers(request.MaxMembers);
        var expiresAt = CircleRules.ExpiresAt(request.ExpiresAt, _clock.GetUtcNow());
        var circleId = await _repository.CreateAsync(userId, name, nickname, maxMembers, expiresAt, cancellationToken);
        return await GetAsync(circleId, userId, cancellationToken);
    }

    public async Task<CircleDetails> GetAsync(Guid circleId, Guid userId, CancellationToken cancellationToken)
    {
        if (await _repository.GetAsync(circleId, userId, cancellationToken) is { } circle)
        {
            return Details(circle);
        }
        Require(await _repository.GetAccessAsync(circleId, userId, cancellationToken));
        throw CircleRules.NotFound();
    }

    /// <summary>The owner changes the name, the member limit (never below the members it has) or the invite's expiry.</summary>
    public async Task<CircleDetails> UpdateAsync(Guid circleId, Guid userId, UpdateCircleRequest request, CancellationToken cancellationToken)
    {
        await _repository.InTransactionAsync(async (connection, transaction) =>
        {
            var access = RequireOwner(await _repository.LockAccessAsync(circleId, userId, connection, transaction, cancellationToken));
            if (request is { Name: null, MaxMembers: null, ExpiresAt: null })
            {
                throw new CirclyException(ErrorCodes.ValidationRequired, "Send at least one of name, maxMembers and expiresAt.",
                    new Dictionary<string, string> { ["field"] = "body" });
            }
            var name = request.Name is null ? null : CircleRules.CircleName(request.Name);
            var maxMembers = request.MaxMembers is null ? (int?)null : CircleRules.MaxMembers(request.MaxMembers);
            var expiresAt = CircleRules.ExpiresAt(request.ExpiresAt, _clock.GetUtcNow());
            if (!await _repository.UpdateAsync(circleId, name, maxMembers, expiresAt, connection, transaction, cancellationToken))
            {
                throw Fail.OutOfRange("maxMembers", $"can't be lower than the {access.MemberCount} members the circle already has.");
            }
            return true;
        }, cancellationToken);
        return await GetAsync(circleId, userId, cancellationToken);
    }

    /// <summary>The owner deletes the circle: it and its polls stop being visible to everyone.</summary>
    public Task DeleteAsync(Guid circleId, Guid userId, CancellationToken cancellationToken) =>
        _repository.InTransactionAsync(async (connection, transaction) =>
        {
            RequireOwner(await _repository.LockAccessAsync(circleId, userId, connection, transaction, cancellationToken));
            await _repository.DeactivateCircleAsync(circleId, connection, transaction, cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Joins a circle by invite code or link id. Every attempt counts against the per-user and
    /// per-IP join limits first, successful or not, so codes cannot be found by trying them.
    /// </summary>
    public async Task<CircleDetails> JoinAsync(Guid userId, string clientAddress, JoinCircleRequest request, CancellationToken cancellationToken)
    {
        await _rateLimiter.HitAsync(_rateLimiter.JoinAttemptsPerUser, userId.ToString(), cancellationToken);
        await _rateLimiter.HitAsync(_rateLimiter.JoinAttemptsPerIp, clientAddress, cancellationToken);

        if (request is { InviteCode: null, InviteLinkId: null })
        {
            throw Fail.Required("inviteCode");
        }
        if (request is { InviteCode: not null, InviteLinkId: not null })
        {
            throw Fail.InvalidFormat("inviteLinkId", "can't be sent together with 'inviteCode': send one of them.");
        }
        var nickname = CircleRules.Nickname(request.Nickname);
        var code = request.InviteCode is null ? null : InviteCodes.Normalize(request.InviteCode) ?? throw InvalidCode();
        var linkId = request.InviteLinkId is null ? null : InviteCodes.NormalizeLinkId(request.InviteLinkId) ?? throw InvalidCode();

        var (outcome, circleId) = await _repository.JoinAsync(code, linkId, userId, nickname, _clock.GetUtcNow(), cancellationToken);
        return outcome switch
        {
            JoinOutcome.Joined => await GetAsync(circleId, userId, cancellationToken),
            JoinOutcome.InvalidCode => throw InvalidCode(),
            JoinOutcome.Expired => throw Fail.With(ErrorCodes.CircleExpired, "This invite has expired. Ask a member for a new one."),
            JoinOutcome.AlreadyMember => throw Fail.With(ErrorCodes.CircleAlreadyMember, "You are already a member of this circle."),
            JoinOutcome.Removed => throw Fail.With(ErrorCodes.CircleNotMember, "The owner removed you from this circle, so you can't join it again."),
            JoinOutcome.Full => throw Fail.With(ErrorCodes.CircleFull, "This circle is full."),
            JoinOutcome.NicknameTaken => throw new CirclyException(ErrorCodes.CircleNicknameTaken,
                "Someone in this circle already uses that nickname. Please choose another one.", new Dictionary<string, string> { ["field"] = "nickname" }),
            _ => throw new InvalidOperationException($"Unknown join outcome {outcome}."),
        };
    }

    /// <summary>The active members: nicknames, roles, when they joined. Never user ids or device data.</summary>
    public async Task<IReadOnlyList<CircleMemberView>> GetMembersAsync(Guid circleId, Guid userId, CancellationToken cancellationToken)
    {
        Require(await _repository.GetAccessAsync(circleId, userId, cancellationToken));
        return await _repository.ListMembersAsync(circleId, userId, cancellationToken);
    }

    /// <summary>The owner replaces the invite code and link id; the old ones stop working at once.</summary>
    public async Task<CircleDetails> RegenerateInviteAsync(Guid circleId, Guid userId, CancellationToken cancellationToken)
    {
        await _repository.InTransactionAsync(async (connection, transaction) =>
        {
            RequireOwner(await _repository.LockAccessAsync(circleId, userId, connection, transaction, cancellationToken));
            await _repository.RegenerateInviteAsync(circleId, connection, transaction, cancellationToken);
            return true;
        }, cancellationToken);
        return await GetAsync(circleId, userId, cancellationToken);
    }

    /// <summary>
    /// The user leaves: access ends at once, their nickname stays on past polls. An owner's
    /// circle passes to the longest-standing member; a circle nobody is left in closes.
    /// </summary>
    public Task<LeaveCircleResult> LeaveAsync(Guid circleId, Guid userId, CancellationToken cancellationToken) =>
        _repository.InTransactionAsync(async (connection, transaction) =>
        {
            var (memberId, _) = Require(await _repository.LockAccessAsync(circleId, userId, connection, transaction, cancellationToken));
            var closed = await _repository.EndMembershipsAsync([memberId], removedByOwner: false, connection, transaction, cancellationToken);
            await OutboxWriter.AddAsync(connection, transaction, OutboxEventTypes.CircleLeft, new CircleLeft(circleId, userId), cancellationToken);
            return new LeaveCircleResult(true, closed.Contains(circleId));
        }, cancellationToken);

    /// <summary>
    /// The owner removes a member, who loses access at once and cannot join this circle again:
    /// their account is refused, their nickname stays reserved, and the invite code and link are replaced.
    /// </summary>
    public Task RemoveMemberAsync(Guid circleId, Guid userId, Guid memberId, CancellationToken cancellationToken) =>
        _repository.InTransactionAsync(async (connection, transaction) =>
        {
            var owner = RequireOwner(await _repository.LockAccessAsync(circleId, userId, connection, transaction, cancellationToken));
            if (memberId == owner.MemberId)
            {
                throw Fail.InvalidFormat("memberId", "is you: to leave the circle, use POST /v1/circles/{id}/leave.");
            }
            if (!await _repository.IsActiveMemberAsync(circleId, memberId, connection, transaction, cancellationToken))
            {
                throw CircleRules.MemberNotFound();
            }
            await _repository.EndMembershipsAsync([memberId], removedByOwner: true, connection, transaction, cancellationToken);
            // Removal sticks: the code and link the removed member knows stop working (docs/SAFETY.md).
            await _repository.RegenerateInviteAsync(circleId, connection, transaction, cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>
    /// What the public invite page shows for a code, saying whether the circle is full or the invite
    /// expired; null when no circle has it (unknown, replaced or deleted). Counts against the per-IP join limit: it tells whether a code exists.
    /// </summary>
    public async Task<InvitePreview?> FindInvitePreviewAsync(string typedCode, string clientAddress, CancellationToken cancellationToken)
    {
        await _rateLimiter.HitAsync(_rateLimiter.JoinAttemptsPerIp, clientAddress, cancellationToken);
        return InviteCodes.Normalize(typedCode) is { } code
            ? await _repository.FindInvitePreviewAsync(code, _clock.GetUtcNow(), cancellationToken)
            : null;
    }

    // ---- The contract other modules use ----

    /// <summary>Null unless the user is an active member of an active circle.</summary>
    public Task<CircleMembership?> FindMembershipAsync(Guid circleId, Guid userId, CancellationToken cancellationToken) =>
        _repository.FindMembershipAsync(circleId, userId, cancellationToken);

    /// <summary>The user has an inactive membership and no active one in this still-active circle.</summary>
    public Task<bool> HasLeftAsync(Guid circleId, Guid userId, CancellationToken cancellationToken) =>
        _repository.HasLeftAsync(circleId, userId, cancellationToken);

    /// <summary>The active members of an active circle, in joining order (empty for an inactive or unknown circle).</summary>
    public Task<IReadOnlyList<CircleMemberRef>> GetActiveMembersAsync(Guid circleId, CancellationToken cancellationToken) =>
        _repository.GetActiveMembersAsync(circleId, cancellationToken);

    /// <summary>The active circles in which the user is an active member.</summary>
    public Task<IReadOnlyList<Guid>> GetCircleIdsOfUserAsync(Guid userId, CancellationToken cancellationToken) =>
        _repository.GetCircleIdsOfUserAsync(userId, cancellationToken);

    /// <summary>Of these circles, the ones that still exist (not deleted, not closed for want of members).</summary>
    public async Task<IReadOnlySet<Guid>> FindActiveAsync(IReadOnlyCollection<Guid> circleIds, CancellationToken cancellationToken) =>
        circleIds.Count == 0 ? new HashSet<Guid>() : (await _repository.ActiveAmongAsync([.. circleIds.Distinct()], cancellationToken)).ToHashSet();

    /// <summary>polls_created + 1 for the member, in the caller's transaction.</summary>
    public Task RecordPollCreatedAsync(Guid memberId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        _repository.RecordPollCreatedAsync(memberId, connection, transaction, cancellationToken);


    /// <summary>Retention: circles deleted or emptied before the cutoff go for good, with their members and polls.</summary>
    public Task<int> DeleteInactiveAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        _repository.DeleteInactiveAsync(before, cancellationToken);

    private CircleDetails Details(CircleRow row) => new(
        row.Id, row.Name, row.MemberCount, row.MaxMembers, row.ExpiresAt, row.CreatedAt,
        row.InviteCode, row.InviteLinkId, _links.AppUrl(row.InviteCode), _links.WebUrl(row.InviteCode),
        new CircleSelf(row.MemberId, row.Nickname, row.Role, row.JoinedAt));

    /// <summary>The 404/403 policy: an active member passes; a former member is told so; anyone else learns nothing.</summary>
    private static (Guid MemberId, string Role) Require(CircleAccess? access) => access switch
    {
        { MemberId: { } memberId, Role: { } role } => (memberId, role),
        { HasLeft: true } => throw Fail.With(ErrorCodes.CircleNotMember, "You are no longer a member of this circle."),
        _ => throw CircleRules.NotFound(),
    };

    private static (Guid MemberId, int MemberCount) RequireOwner(CircleAccess? access)
    {
        var (memberId, role) = Require(access);
        return role == CircleRoles.Owner
            ? (memberId, access!.MemberCount)
            : throw Fail.With(ErrorCodes.CircleNotCreator, "Only the circle's owner can do this.");
    }

    private static CirclyException InvalidCode() => Fail.With(ErrorCodes.CircleInvalidCode, "This invite code doesn't work. Check it, or ask for a new one.");
}
