using Circly.Core.Auth;
using Circly.Core.Notifications;
using Circly.Core.RateLimiting;
using Circly.Core.Sharing;

namespace Circly.Core.Maintenance;

public sealed record CleanupReport(int RateLimitWindows, int RefreshTokens, int TransferCodes, int DailyPushCounts, int ShareCards);

/// <summary>The daily housekeeping: drops data that no longer serves any purpose.</summary>
public sealed class CleanupService
{
    private readonly RateLimiter _rateLimiter;
    private readonly RefreshTokenRepository _refreshTokens;
    private readonly AccountTransfers _transfers;
    private readonly NotificationSettingsService _notificationSettings;
    private readonly ShareCardService _shareCards;
    private readonly TimeProvider _clock;

    internal CleanupService(RateLimiter rateLimiter, RefreshTokenRepository refreshTokens, AccountTransfers transfers, NotificationSettingsService notificationSettings,
        ShareCardService shareCards, TimeProvider clock)
    {
        _shareCards = shareCards;
        _rateLimiter = rateLimiter;
        _refreshTokens = refreshTokens;
        _transfers = transfers;
        _notificationSettings = notificationSettings;
        _clock = clock;
    }

    public async Task<CleanupReport> RunAsync(CancellationToken cancellationToken) =>
        new(await _rateLimiter.DeleteEndedWindowsAsync(cancellationToken), await _refreshTokens.DeleteStaleAsync(cancellationToken),
            await _transfers.DeleteExpiredCodesAsync(cancellationToken),
            await _notificationSettings.DeleteOldDailyCountsAsync(_clock.GetUtcNow(), cancellationToken), await _shareCards.SweepAsync(cancellationToken));
}
