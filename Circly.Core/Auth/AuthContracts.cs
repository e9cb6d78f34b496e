using Circly.Core.Users;

namespace Circly.Core.Auth;

public sealed record DeviceLoginRequest(string? DeviceId, string? DeviceSecret, string? Platform, string? AppVersion, string? Locale, string? TimeZone);

public sealed record RefreshRequest(string? RefreshToken);

/// <summary>The old phone proves its own device credentials again: a stolen access token alone cannot move the account.</summary>
public sealed record TransferCodeRequest(string? DeviceId, string? DeviceSecret);

/// <summary>A transfer code, shown on the old phone and typed (or scanned) on the new one.</summary>
public sealed record TransferCodeIssued(string TransferCode, DateTimeOffset ExpiresAt, int ExpiresIn);

/// <summary>The new phone redeems a transfer code with its own device credentials, as device-login takes them.</summary>
public sealed record TransferRequest(string? TransferCode, string? DeviceId, string? DeviceSecret, string? Platform, string? AppVersion);

public sealed record AuthSession(
    string AccessToken,
    string RefreshToken,
    string TokenType,
    int ExpiresIn,
    DateTimeOffset ExpiresAt,
    DateTimeOffset RefreshExpiresAt,
    bool IsNewUser,
    UserProfile User);

/// <summary>The subject of a valid access token and the device generation it was issued for.</summary>
public sealed record AccessTokenSubject(Guid UserId, int DeviceGeneration);

/// <summary>Who is calling, once the access token and the account's standing have been checked.</summary>
public sealed record AuthenticatedUser(Guid UserId);
