using Circly.Core.Errors;
using Npgsql;

namespace Circly.Core.Users;

/// <summary>The Users module: profiles, push tokens, account deletion, and the account lookups Auth needs.</summary>
public sealed class UserService
{
    private readonly UserRepository _repository;
    private readonly IEnumerable<IAccountDataCleaner> _cleaners;
    private readonly StandingCache _standings;

    internal UserService(UserRepository repository, IEnumerable<IAccountDataCleaner> cleaners, StandingCache standings)
    {
        _repository = repository;
        _cleaners = cleaners;
        _standings = standings;
    }

    public Task<DeviceAccount?> FindByDeviceAsync(byte[] deviceIdHash, CancellationToken cancellationToken) =>
        _repository.FindByDeviceAsync(deviceIdHash, cancellationToken);

    /// <summary>For moderation, in its transaction: marks the account banned; its device id hash, or null when there is no such account.</summary>
    public Task<byte[]?> MarkBannedAsync(Guid userId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        _standings.Forget(userId);
        return _repository.MarkBannedAsync(userId, connection, transaction, cancellationToken);
    }

    /// <summary>For moderation, in its transaction: the accounts of a device whose ban was lifted are no longer banned.</summary>
    public Task LiftBanAsync(byte[] deviceIdHash, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        _standings.ForgetAll();
        return _repository.LiftBanAsync(deviceIdHash, connection, transaction, cancellationToken);
    }

    public Task<Guid?> RegisterAsync(byte[] deviceIdHash, byte[] deviceSecretHash, string platform, string? appVersion, string? locale, string? timeZone, CancellationToken cancellationToken) =>
        _repository.RegisterAsync(deviceIdHash, deviceSecretHash, platform, appVersion, locale, timeZone, cancellationToken);

    public Task RecordLoginAsync(Guid userId, string platform, string? appVersion, CancellationToken cancellationToken) =>
        _repository.RecordLoginAsync(userId, platform, appVersion, cancellationToken);

    public Task<AccountStanding> GetStandingAsync(Guid userId, CancellationToken cancellationToken) =>
        _repository.GetStandingAsync(userId, cancellationToken);

    /// <summary>
    /// For authenticating a request: the standing as read at most StandingCache.Lifetime (10 s) ago
    /// by this instance, or from the database. Changes made through this instance apply at once.
    /// </summary>
    public async Task<AccountStanding> GetRecentStandingAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (_standings.Find(userId) is { } cached)
        {
            return cached;
        }
        var standing = await _repository.GetStandingAsync(userId, cancellationToken);
        _standings.Remember(userId, standing);
        return standing;
    }

    /// <summary>
    /// Moves the account to another device in the caller's transaction (an account transfer): the
    /// device binding is replaced, the device generation grows, and push tokens are deactivated.
    /// </summary>
    public Task<DeviceMove> MoveDeviceAsync(Guid userId, byte[] deviceIdHash, byte[] deviceSecretHash, string platform, string? appVersion,
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        _standings.Forget(userId);
        return _repository.MoveDeviceAsync(userId, deviceIdHash, deviceSecretHash, platform, appVersion, connection, transaction, cancellationToken);
    }

    /// <summary>For the admin API's user lookup; null when no account ever had this id (or it was deleted).</summary>
    public Task<AccountOverview?> GetOverviewAsync(Guid userId, CancellationToken cancellationToken) =>
        _repository.GetOverviewAsync(userId, cancellationToken);

    public async Task<UserProfile> GetProfileAsync(Guid userId, CancellationToken cancellationToken) =>
        await _repository.GetProfileAsync(userId, cancellationToken) ?? throw AccountGone();

    public async Task<UserProfile> UpdateProfileAsync(Guid userId, UpdateProfileRequest request, CancellationToken cancellationToken)
    {
        var platform = request.Platform is null ? null : ProfileRules.Platform(request.Platform);
        return await _repository.UpdateProfileAsync(userId, ProfileRules.AppVersion(request.AppVersion), platform,
                   ProfileRules.Locale(request.Locale), ProfileRules.TimeZone(request.TimeZone), cancellationToken)
               ?? throw AccountGone();
    }

    public async Task<PushTokenRegistration> SetPushTokenAsync(Guid userId, PushTokenRequest request, CancellationToken cancellationToken)
    {
        var token = PushTokenRules.Validate(request.Token);
        var platform = request.Platform is null ? (await GetProfileAsync(userId, cancellationToken)).Platform : ProfileRules.Platform(request.Platform);
        await _repository.SetPushTokenAsync(userId, token, platform, cancellationToken);
        return new PushTokenRegistration(token, platform, true);
    }

    /// <summary>Deactivates the account's push tokens; the number that were active (0 when none: idempotent).</summary>
    public Task<int> RemovePushTokensAsync(Guid userId, CancellationToken cancellationToken) =>
        _repository.DeactivatePushTokensOfAsync(userId, cancellationToken);

    /// <summary>For the notification fan-out: (user, token) for every active device of these users, in one query.</summary>
    public Task<IReadOnlyList<UserPushToken>> GetActivePushTokensAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken) =>
        userIds.Count == 0
            ? Task.FromResult<IReadOnlyList<UserPushToken>>([])
            : _repository.GetActivePushTokensAsync(userIds.Distinct().ToArray(), cancellationToken);

    /// <summary>
    /// Stops pushing to devices Expo reported as DeviceNotRegistered, in one statement. A token
    /// registered again after the push that failed (a reinstall) is left active. Returns how many were deactivated.
    /// </summary>
    public Task<int> DeactivatePushTokensAsync(IReadOnlyCollection<UnregisteredPushToken> tokens, CancellationToken cancellationToken)
    {
        if (tokens.Count == 0)
        {
            return Task.FromResult(0);
        }
        var latest = tokens.GroupBy(t => t.Token, StringComparer.Ordinal).Select(g => (Token: g.Key, SentAt: g.Max(t => t.SentAt))).ToList();
        return _repository.DeactivatePushTokensAsync(latest.Select(t => t.Token).ToArray(), latest.Select(t => t.SentAt.UtcDateTime).ToArray(), cancellationToken);
    }

    public async Task DeleteAccountAsync(Guid userId, CancellationToken cancellationToken)
    {
        _standings.Forget(userId);
        if (!await _repository.DeleteAsync(userId, _cleaners, cancellationToken))
        {
            throw AccountGone();
        }
    }

    private static CirclyException AccountGone() => Fail.With(ErrorCodes.AuthInvalidToken, "This account no longer exists.");
}
