using Circly.Core.Errors;
using Circly.Core.RateLimiting;
using Circly.Core.Users;

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
    private readonly SessionIssuer _sessions;
    private readonly RateLimiter _rateLimiter;
    private readonly BannedDeviceRepository _bannedDevices;

    internal AuthService(UserService users, RefreshTokenRepository refreshTokens, DeviceCredentials credentials, AccessTokens accessTokens,
        SessionIssuer sessions, RateLimiter rateLimiter, BannedDeviceRepository bannedDevices)
    {
        _bannedDevices = bannedDevices;
        _users = users;
        _refreshTokens = refreshTokens;
        _credentials = credentials;
        _accessTokens = accessTokens;
        _sessions = sessions;
        _rateLimiter = rateLimiter;
    }

    public async Task<AuthSession> DeviceLoginAsync(DeviceLoginRequest request, string clientAddress, CancellationToken cancellationToken)
    {
        var (deviceId, deviceSecret) = AuthRules.Credentials(request.DeviceId, request.DeviceSecret);
        var platform = ProfileRules.Platform(request.Platform);
        var appVersion = ProfileRules.AppVersion(request.AppVersion);
        var locale = ProfileRules.Locale(request.Locale);
        var timeZone = ProfileRules.TimeZone(request.TimeZone);

        var deviceIdHash = _credentials.HashDeviceId(deviceId);
        if (await _bannedDevices.IsBannedAsync(deviceIdHash, cancellationToken))
        {
            throw AuthRules.Banned();
        }

        var account = await _users.FindByDeviceAsync(deviceIdHash, cancellationToken);
        if (account is null)
        {
            await _rateLimiter.HitAsync(_rateLimiter.RegistrationsPerIp, clientAddress, cancellationToken);
            var created = await _users.RegisterAsync(deviceIdHash, _credentials.HashSecret(deviceSecret), platform, appVersion, locale, timeZone, cancellationToken);
            if (created is { } newUserId)
            {
                return await _sessions.StartAsync(newUserId, deviceGeneration: 0, isNewUser: true, cancellationToken);
            }
            // Another request registered this device a moment ago: it must prove the same secret.
            account = await _users.FindByDeviceAsync(deviceIdHash, cancellationToken) ?? throw AuthRules.InvalidCredentials();
        }

        if (!_credentials.SecretMatches(deviceSecret, account.DeviceSecretHash))
        {
            throw AuthRules.InvalidCredentials();
        }
        if (account.IsBanned)
        {
            throw AuthRules.Banned();
        }
        await _users.RecordLoginAsync(account.Id, platform, appVersion, cancellationToken);
        return await _sessions.StartAsync(account.Id, account.DeviceGeneration, isNewUser: false, cancellationToken);
    }

    public async Task<AuthSession> RefreshAsync(RefreshRequest request, CancellationToken cancellationToken)
    {
        var presented = AuthRules.Between(request.RefreshToken, "refreshToken", 20, 200);
        var (next, nextExpiresAt) = _sessions.NewRefreshToken();

        // A token of an earlier device generation belongs to a phone the account has moved away from.
        var (outcome, userId, generation) = await _refreshTokens.RotateAsync(RefreshTokens.Hash(presented), RefreshTokens.Hash(next), nextExpiresAt,
            async (owner, tokenGeneration) => await _users.GetStandingAsync(owner, cancellationToken) is { Exists: true, IsBanned: false } standing
                && standing.DeviceGeneration == tokenGeneration,
            cancellationToken);
        if (outcome == RotationOutcome.Rotated)
        {
            return await _sessions.CompleteAsync(userId, generation, next, nextExpiresAt, isNewUser: false, cancellationToken);
        }
        // A ban or a transfer revokes the tokens; their owner learns why rather than a bare "invalid".
        var owner = userId == Guid.Empty ? null : await _users.GetStandingAsync(userId, cancellationToken);
        if (owner is { IsBanned: true })
        {
            throw AuthRules.Banned();
        }
        if (owner is { Exists: true } && owner.DeviceGeneration != generation)
        {
            throw Moved();
        }
        throw outcome switch
        {
            RotationOutcome.Expired => Fail.With(ErrorCodes.AuthTokenExpired, "The refresh token has expired. Log in again."),
            RotationOutcome.Reused => Fail.With(ErrorCodes.AuthInvalidToken, "This refresh token was already used. Every session of this device has been signed out; log in again."),
            _ => Fail.With(ErrorCodes.AuthInvalidToken, "The refresh token is not valid."),
        };
    }

    /// <summary>
    /// The user behind a valid access token, refused when the account is gone or banned, or has
    /// moved to another device since the token was issued (one lookup checks all three).
    /// </summary>
    public async Task<AuthenticatedUser> AuthenticateAsync(string accessToken, CancellationToken cancellationToken)
    {
        var subject = await _accessTokens.ValidateAsync(accessToken);
        // Warm, no round trip: a standing this instance read in the last 10 s (bans apply here at once).
        var standing = await _users.GetRecentStandingAsync(subject.UserId, cancellationToken);
        if (!standing.Exists)
        {
            throw Fail.With(ErrorCodes.AuthInvalidToken, "This account no longer exists.");
        }
        if (standing.IsBanned)
        {
            throw AuthRules.Banned();
        }
        return standing.DeviceGeneration == subject.DeviceGeneration ? new AuthenticatedUser(subject.UserId) : throw Moved();
    }

    private static CirclyException Moved() =>
        Fail.With(ErrorCodes.AuthInvalidToken, "This account has moved to another device. This device is signed out.");

    /// <summary>Retention: refresh tokens that expired or were revoked long enough ago to serve no reuse check.</summary>
    public Task<int> DeleteStaleRefreshTokensAsync(CancellationToken cancellationToken) => _refreshTokens.DeleteStaleAsync(cancellationToken);
}
