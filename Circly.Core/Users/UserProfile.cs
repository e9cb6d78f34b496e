namespace Circly.Core.Users;

/// <summary>What a user sees about themselves. No device data, no hashes.</summary>
public sealed record UserProfile(
    Guid Id,
    string Platform,
    string? AppVersion,
    string? Locale,
    string TimeZone,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActiveAt);

/// <summary>The fields a user may change about themselves; anything else in the body is ignored.</summary>
public sealed record UpdateProfileRequest(string? AppVersion, string? Platform, string? Locale, string? TimeZone);

public sealed record PushTokenRequest(string? Token, string? Platform);

public sealed record PushTokenRegistration(string Token, string Platform, bool IsActive);

/// <summary>An active device of a user, for sending pushes.</summary>
public sealed record UserPushToken(Guid UserId, string Token);

/// <summary>A token Expo reported as DeviceNotRegistered for a push sent at SentAt.</summary>
public sealed record UnregisteredPushToken(string Token, DateTimeOffset SentAt);

/// <summary>What Auth needs to check a login; internal to Users and Auth.</summary>
public sealed record DeviceAccount(Guid Id, byte[] DeviceSecretHash, bool IsBanned, int DeviceGeneration);

/// <summary>
/// Whether the account may act, and which device binding it is on: DeviceGeneration grows each
/// time the account moves to another device, and tokens of an earlier one stop working.
/// </summary>
public sealed record AccountStanding(bool Exists, bool IsBanned, int DeviceGeneration);

public enum DeviceMoveOutcome
{
    Moved,
    /// <summary>Another active account is bound to the new device.</summary>
    DeviceInUse,
    /// <summary>The account was deleted or banned meanwhile.</summary>
    AccountUnavailable,
}

/// <summary>The result of moving an account to another device; Generation is the new binding's.</summary>
public sealed record DeviceMove(DeviceMoveOutcome Outcome, int Generation);

/// <summary>An account as a moderator sees it: no device data, no hashes, nothing about votes.</summary>
public sealed record AccountOverview(Guid Id, string Platform, string? AppVersion, string? Locale, string TimeZone,
    bool IsActive, bool IsBanned, DateTimeOffset CreatedAt, DateTimeOffset LastActiveAt);
