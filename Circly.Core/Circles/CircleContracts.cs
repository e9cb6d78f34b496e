namespace Circly.Core.Circles;

/// <summary>A user's active membership of an active circle, for other modules (polls).</summary>
public sealed record CircleMembership(Guid CircleId, Guid MemberId, string Nickname, string Role);

/// <summary>An active member of a circle, for other modules (poll options, notification recipients).</summary>
public sealed record CircleMemberRef(Guid MemberId, Guid UserId, string Nickname);

public static class CircleRoles
{
    public const string Owner = "owner";
    public const string Member = "member";
}

public sealed record CreateCircleRequest(string? Name, string? Nickname, int? MaxMembers, DateTimeOffset? ExpiresAt);

/// <summary>The fields an owner may change; a field left out stays as it is.</summary>
public sealed record UpdateCircleRequest(string? Name, int? MaxMembers, DateTimeOffset? ExpiresAt);

/// <summary>Either the invite code or the invite link id, and the nickname the user wants in that circle.</summary>
public sealed record JoinCircleRequest(string? InviteCode, string? InviteLinkId, string? Nickname);

/// <summary>Who I am in a circle.</summary>
public sealed record CircleSelf(Guid MemberId, string Nickname, string Role, DateTimeOffset JoinedAt);

/// <summary>
/// A circle as its members see it, invite included: every member may invite friends.
/// InviteUrl opens the app (circly://join/{code}); InviteWebUrl is the page to share in chats.
/// </summary>
public sealed record CircleDetails(
    Guid Id,
    string Name,
    int MemberCount,
    int MaxMembers,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt,
    string InviteCode,
    string InviteLinkId,
    string InviteUrl,
    string InviteWebUrl,
    CircleSelf Me);

public sealed record CirclePage(IReadOnlyList<CircleDetails> Items, int Total);

/// <summary>A member as the other members see them: a circle-scoped id, never a user id or device data.</summary>
public sealed record CircleMemberView(Guid MemberId, string Nickname, string Role, DateTimeOffset JoinedAt, bool IsMe);

public sealed record LeaveCircleResult(bool Left, bool CircleClosed);

/// <summary>What the public invite page shows: no member names; whether the circle is full or its invite expired.</summary>
public sealed record InvitePreview(string InviteCode, string Name, int MemberCount, bool IsExpired, bool IsFull);

/// <summary>A person the caller blocked, as the caller knows them: the member and circle they blocked them from.</summary>
public sealed record BlockView(Guid Id, Guid? CircleId, Guid? MemberId, string? Nickname, DateTimeOffset CreatedAt);

public sealed record BlockRequest(Guid? CircleId, Guid? MemberId);

/// <summary>A member as a moderator sees them: the circle, the user behind them, the nickname as typed and as shown.</summary>
public sealed record ModeratedMember(Guid MemberId, Guid CircleId, Guid? UserId, string Nickname, bool NicknameHidden, bool IsActive, DateTimeOffset JoinedAt);

/// <summary>A circle as a moderator sees it: the name as typed, whether it is hidden, how many members.</summary>
public sealed record ModeratedCircle(Guid Id, string Name, bool NameHidden, bool IsActive, int MemberCount, DateTimeOffset CreatedAt);
