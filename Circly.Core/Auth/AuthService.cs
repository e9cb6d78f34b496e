using Circly.Core.Errors;
using Circly.Core.RateLimiting;
using Circly.Core.Users;
using Microsoft.Extensions.Options;

namespace Circly.Core.Auth;

/// <summary>
/// Device login and token refresh. The first login of a device registers it and binds it to a
/// secret the app keeps in the OS keychain; every later login must present that secret, so a
/// device id alone never opens an account.
/// </summary>
public sealed class AuthService
{
    private readonly UserService _users;
    private readonly RefreshTokenRepository _refreshTokens;
    private readonly DeviceCredentials _credentials;
    private readonly AccessTokens _accessTokens;
    private readonly RateLimiter _rateLimiter;
    private readonly AuthOptions _options;
    private readonly TimeProvider _clock;

    internal AuthService(UserService users, RefreshTokenRepository refreshTokens, DeviceCredentials credentials, AccessTokens accessTokens,
        RateLimiter rateLimiter, IOptions<AuthOptions> options, TimeProvider clock)
    {
        _users = users;
        _refreshTokens = refreshTokens;
        _credentials = credentials;
        _accessTokens = accessTokens;
        _rateLimiter = rateLimiter;
        _options = options.Value;
        _clock = clock;
    }

    public async Task<AuthSession> DeviceLoginAsync(DeviceLoginRequest request, string clientAddress, CancellationToken cancellationToken)
    {
        var deviceId = Between(request.DeviceId, "deviceId", 8, 200);
        var deviceSecret = Between(request.DeviceSecret, "deviceSecret", 32, 256);
        var platform = ProfileRules.Platform(request.Platform);
        var appVersion = ProfileRules.AppVersion(request.AppVersion);
        var locale = ProfileRules.Locale(request.Locale);
        var timeZone = ProfileRules.TimeZone(request.TimeZone);

        var deviceIdHash = _credentials.HashDeviceId(deviceId);
        if (await _users.IsDeviceBannedAsync(deviceIdHash, cancellationToken))
        {
            throw Banned();
        }

        var account = await _users.FindByDeviceAsync(deviceIdHash, cancellationToken);
        if (account is null)
        {
            await _rateLimiter.HitAsync(_rateLimiter.RegistrationsPerIp, clientAddress, cancellationToken);
            var created = await _users.RegisterAsync(deviceIdHash, _credentials.HashSecret(deviceSecret), platform, appVersion, locale, timeZone, cancellationToken);
            if (created is { } newUserId)
            {
                return await StartSessionAsync(newUserId, isNewUser: true, cancellationToken);
            }
            // Another request registered this device a moment ago: it must prove the same secret.
            account = await _users.FindByDeviceAsync(deviceIdHash, cancellationToken) ?? throw InvalidCredentials();
        }

        if (!_credentials.SecretMatches(deviceSecret, account.DeviceSecretHash))
        {
            throw InvalidCredentials();
        }
        if (account.IsBanned)
        {
            throw Banned();
        }
        await _users.RecordLoginAsync(account.Id, platform, appVersion, cancellationToken);
        return await StartSessionAsync(account.Id, isNewUser: false, cancellationToken);
    }

    public async Task<AuthSession> RefreshAsync(RefreshRequest request, CancellationToken cancellationToken)
    {
        var presented = Between(request.RefreshToken, "refreshToken", 20, 200);
        var next = RefreshTokens.New();
        var nextExpiresAt = _clock.GetUtcNow() + _options.RefreshTokenIdleLifetime;

        var (outcome, userId) = await _refreshTokens.RotateAsync(RefreshTokens.Hash(presented), RefreshTokens.Hash(next), nextExpiresAt,
            async owner => await _users.GetStandingAsync(owner, cancellationToken) is { Exists: true, IsBanned: false },
            cancellationToken);
        if (outcome == RotationOutcome.Rotated)
        {
            return await SessionAsync(userId, next, nextExpiresAt, isNewUser: false, cancellationToken);
        }
        // A ban revokes the tokens; its owner learns why rather than a bare "invalid".
        if (userId != Guid.Empty && (await _users.GetStandingAsync(userId, cancellationToken)).IsBanned)
        {
            throw Banned();
        }
        throw outcome switch
        {
            RotationOutcome.Expired => Fail.With(ErrorCodes.AuthTokenExpired, "The refresh token has expired. Log in again."),
            RotationOutcome.Reused => Fail.With(ErrorCodes.AuthInvalidToken, "This refresh token was already used. Every session of this device has been signed out; log in again."),
            _ => Fail.With(ErrorCodes.AuthInvalidToken, "The refresh token is not valid."),
        };
    }

    /// <summary>The user behind a valid access token, refused when the account is gone or banned.</summary>
    public async Task<AuthenticatedUser> AuthenticateAsync(string accessToken, CancellationToken cancellationToken)
    {
        var userId = await _accessTokens.ValidateAsync(accessToken);
        var standing = await _users.GetStandingAsync(userId, cancellationToken);
        if (!standing.Exists)
        {
            throw Fail.With(ErrorCodes.AuthInvalidToken, "This account no longer exists.");
        }
        return standing.IsBanned ? throw Banned() : new AuthenticatedUser(userId);
    }

    private async Task<AuthSession> StartSessionAsync(Guid userId, bool isNewUser, CancellationToken cancellationToken)
    {
        var refreshToken = RefreshTokens.New();
        var refreshExpiresAt = _clock.GetUtcNow() + _options.RefreshTokenIdleLifetime;
        await _refreshTokens.CreateAsync(userId, familyId: Guid.NewGuid(), RefreshTokens.Hash(refreshToken), refreshExpiresAt, cancellationToken);
        return await SessionAsync(userId, refreshToken, refreshExpiresAt, isNewUser, cancellationToken);
    }

    private async Task<AuthSession> SessionAsync(Guid userId, string refreshToken, DateTimeOffset refreshExpiresAt, bool isNewUser, CancellationToken cancellationToken)
    {
        var (accessToken, expiresAt) = _accessTokens.Issue(userId);
        var profile = await _users.GetProfileAsync(userId, cancellationToken);
        return new AuthSession(accessToken, refreshToken, "Bearer", (int)_options.AccessTokenLifetime.TotalSeconds, expiresAt, refreshExpiresAt, isNewUser, profile);
    }

    private static string Between(string? value, string field, int min, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Fail.Required(field);
        }
        return value.Length < min || value.Length > max
            ? throw Fail.OutOfRange(field, $"must be {min} to {max} characters long.")
            : value;
    }

    private static CirclyException Banned() => Fail.With(ErrorCodes.AuthDeviceBanned, "This device has been banned.");

    private static CirclyException InvalidCredentials() =>
        Fail.With(ErrorCodes.AuthInvalidCredentials, "This device is registered with a different secret.");
}
