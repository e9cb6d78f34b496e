using Circly.Core.Users;

namespace Circly.Core.Auth;

public sealed record DeviceLoginRequest(string? DeviceId, string? DeviceSecret, string? Platform, string? AppVersion, string? Locale, string? TimeZone);

public sealed record RefreshRequest(string? RefreshToken);

public sealed record AuthSession(
    string AccessToken,
    string RefreshToken,
    string TokenType,
    int ExpiresIn,
    DateTimeOffset ExpiresAt,
    DateTimeOffset RefreshExpiresAt,
    bool IsNewUser,
    UserProfile User);

/// <summary>Who is calling, once the access token and the account's standing have been checked.</summary>
public sealed record AuthenticatedUser(Guid UserId);
