using Circly.Core.Errors;
using Circly.Core.RateLimiting;
using Circly.Core.Users;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Circly.Core.Auth;

/// <summary>
/// A new phone for an old account. The old phone (signed in, and proving its device secret
/// again) asks for a short-lived, single-use code; the new phone redeems it with its own device
/// credentials and gets a session for the account. In one transaction the account's device
/// binding moves to the new phone, its device generation grows (so the old phone's access
/// tokens stop authenticating), its push tokens are deactivated, and every refresh token of the
/// old phone is revoked. Threat cases and limits: docs/API.md "Moving to a new phone".
/// </summary>
public sealed class AccountTransfers
{
    private readonly UserService _users;
    private readonly TransferCodeRepository _codes;
    private readonly RefreshTokenRepository _refreshTokens;
    private readonly SessionIssuer _sessions;
    private readonly DeviceCredentials _credentials;
    private readonly RateLimiter _rateLimiter;
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _clock;
    private readonly BannedDeviceRepository _bannedDevices;

    internal AccountTransfers(UserService users, TransferCodeRepository codes, RefreshTokenRepository refreshTokens, SessionIssuer sessions,
        DeviceCredentials credentials, RateLimiter rateLimiter, NpgsqlDataSource dataSource, IOptions<AuthOptions> options, TimeProvider clock,
        BannedDeviceRepository bannedDevices)
    {
        _bannedDevices = bannedDevices;
        _users = users;
        _codes = codes;
        _refreshTokens = refreshTokens;
        _sessions = sessions;
        _credentials = credentials;
        _rateLimiter = rateLimiter;
        _dataSource = dataSource;
        _lifetime = options.Value.TransferCodeLifetime;
        _clock = clock;
    }

    /// <summary>A new code for the signed-in account; the previous one, if any, stops working.</summary>
    public async Task<TransferCodeIssued> IssueCodeAsync(Guid userId, TransferCodeRequest request, CancellationToken cancellationToken)
    {
        await _rateLimiter.HitAsync(_rateLimiter.TransferCodesPerUser, userId.ToString(), cancellationToken);
        var (deviceId, deviceSecret) = AuthRules.Credentials(request.DeviceId, request.DeviceSecret);
        // An access token alone (15 minutes, perhaps stolen) must not be able to give the account away.
        var account = await _users.FindByDeviceAsync(_credentials.HashDeviceId(deviceId), cancellationToken);
        if (account is null || account.Id != userId || !_credentials.SecretMatches(deviceSecret, account.DeviceSecretHash))
        {
            throw Fail.With(ErrorCodes.AuthInvalidCredentials, "These are not the credentials of the device this account is on.");
        }

        var now = _clock.GetUtcNow();
        var expiresAt = now + _lifetime;
        string code;
        do
        {
            code = TransferCodes.New();
        }
        while (!await _codes.ReplaceAsync(userId, _credentials.HashTransferCode(code), now, expiresAt, cancellationToken));
        return new TransferCodeIssued(TransferCodes.Display(code), expiresAt, (int)_lifetime.TotalSeconds);
    }

    /// <summary>Moves the code's account to the calling device and starts a session there.</summary>
    public async Task<AuthSession> RedeemAsync(TransferRequest request, string clientAddress, CancellationToken cancellationToken)
    {
        // Every attempt counts, right or wrong, well-formed or not: guessing must stay hopeless.
        await _rateLimiter.HitAsync(_rateLimiter.TransferAttemptsPerIp, clientAddress, cancellationToken);
        if (string.IsNullOrWhiteSpace(request.TransferCode))
        {
            throw Fail.Required("transferCode");
        }
        var (deviceId, deviceSecret) = AuthRules.Credentials(request.DeviceId, request.DeviceSecret);
        var platform = ProfileRules.Platform(request.Platform);
        var appVersion = ProfileRules.AppVersion(request.AppVersion);

        var deviceIdHash = _credentials.HashDeviceId(deviceId);
        if (await _bannedDevices.IsBannedAsync(deviceIdHash, cancellationToken))
        {
            throw AuthRules.Banned();
        }
        var codeHash = TransferCodes.Normalize(request.TransferCode) is { } code ? _credentials.HashTransferCode(code) : throw InvalidCode();
        var stored = await _codes.FindAsync(codeHash, cancellationToken);
        var now = _clock.GetUtcNow();
        if (stored is null || stored.ExpiresAt <= now)
        {
            throw InvalidCode();
        }
        if (stored.UsedAt is not null)
        {
            throw CodeUsed();
        }
        if (await _users.FindByDeviceAsync(deviceIdHash, cancellationToken) is not null)
        {
            throw DeviceInUse();
        }

        // Users' row first, then the code: the order account deletion locks them in (it cascades to
        // transfer_codes), so the two cannot deadlock. A concurrent redemption waits on the users
        // row, then fails to claim the code and rolls its move back.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var move = await _users.MoveDeviceAsync(stored.UserId, deviceIdHash, _credentials.HashSecret(deviceSecret), platform, appVersion,
            connection, transaction, cancellationToken);
        if (move.Outcome == DeviceMoveOutcome.DeviceInUse)
        {
            throw DeviceInUse();
        }
        if (move.Outcome == DeviceMoveOutcome.AccountUnavailable)
        {
            throw (await _users.GetStandingAsync(stored.UserId, cancellationToken)).IsBanned ? AuthRules.Banned() : InvalidCode();
        }
        if (!await _codes.ClaimAsync(stored.UserId, codeHash, now, connection, transaction, cancellationToken))
        {
            throw (await _codes.FindAsync(codeHash, cancellationToken)) is { UsedAt: not null } ? CodeUsed() : InvalidCode();
        }
        await _refreshTokens.RevokeAllForUserAsync(stored.UserId, connection, transaction, cancellationToken);
        var (refreshToken, refreshExpiresAt) = await _sessions.StartAsync(stored.UserId, move.Generation, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await _sessions.CompleteAsync(stored.UserId, move.Generation, refreshToken, refreshExpiresAt, isNewUser: false, cancellationToken);
    }

    /// <summary>Housekeeping for the cleanup timer: expired codes answer like wrong ones, so their rows serve nothing.</summary>
    public Task<int> DeleteExpiredCodesAsync(CancellationToken cancellationToken) => _codes.DeleteExpiredAsync(_clock.GetUtcNow(), cancellationToken);

    // The same answer for a code that never existed, was replaced, or expired: nothing to probe.
    private static CirclyException InvalidCode() =>
        Fail.With(ErrorCodes.AuthTransferCodeInvalid, "This transfer code is not valid. Codes work for a few minutes: ask the old phone for a new one.");

    private static CirclyException CodeUsed() =>
        Fail.With(ErrorCodes.AuthTransferCodeUsed, "This transfer code was already used. The phone that used it now signs in to the account with device-login.");

    private static CirclyException DeviceInUse() =>
        Fail.With(ErrorCodes.AuthTransferDeviceInUse,
            "This device already has a Circly account. Delete that account first (DELETE /v1/users/me) or use a new installation id; the code stays valid.");
}
