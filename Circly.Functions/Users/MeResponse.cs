using Circly.Core.Users;

namespace Circly.Functions.Users;

/// <summary>GET /v1/users/me: the profile, with the published safety contact (App__SafetyContact).</summary>
public sealed record MeResponse(
    Guid Id,
    string Platform,
    string? AppVersion,
    string? Locale,
    string TimeZone,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActiveAt,
    string SafetyContact)
{
    public static MeResponse Of(UserProfile me, string safetyContact) =>
        new(me.Id, me.Platform, me.AppVersion, me.Locale, me.TimeZone, me.CreatedAt, me.LastActiveAt, safetyContact);
}
