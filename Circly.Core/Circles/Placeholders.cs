namespace Circly.Core.Circles;

/// <summary>
/// What a hidden name shows as, to everyone (its owner included), until a moderator decides: a
/// neutral text that says nothing about why. Nicknames get a short tag from the member id so
/// several hidden members in one poll stay apart.
/// </summary>
public static class Placeholders
{
    public const string CircleName = "Hidden circle name";
    public const string NicknamePrefix = "Hidden name";

    /// <summary>The circle's name as shown, for SQL over circles aliased c.</summary>
    internal const string CircleNameSql = $"CASE WHEN c.name_hidden THEN '{CircleName}' ELSE c.name END";

    /// <summary>The member's nickname as shown, for SQL over circle_members aliased m.</summary>
    internal const string NicknameSql = $"CASE WHEN m.nickname_hidden THEN '{NicknamePrefix} ' || upper(left(m.id::text, 4)) ELSE m.nickname END";

    /// <summary>The same as NicknameSql, for a member id known outside SQL.</summary>
    public static string Nickname(Guid memberId) => $"{NicknamePrefix} {memberId.ToString()[..4].ToUpperInvariant()}";

    /// <summary>What a moderator's "rename" sets: an ordinary nickname, no longer hidden, that its owner did not choose.</summary>
    internal static string RenamedNickname(Guid memberId, int attempt) =>
        $"Member {memberId.ToString("N")[..(4 + attempt)].ToUpperInvariant()}";

    internal static string RenamedCircle(Guid circleId) => $"Circle {circleId.ToString("N")[..4].ToUpperInvariant()}";
}
