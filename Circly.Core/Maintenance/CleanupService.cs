using Circly.Core.Analytics;
using Circly.Core.Auth;
using Circly.Core.Circles;
using Circly.Core.Notifications;
using Circly.Core.Outbox;
using Circly.Core.Polls;
using Circly.Core.RateLimiting;
using Circly.Core.Sharing;
using Microsoft.Extensions.Options;

namespace Circly.Core.Maintenance;

public sealed record CleanupReport(
    int RateLimitWindows, int RefreshTokens, int TransferCodes, int DailyPushCounts, int ShareCards, int OutboxEvents, int InboxEntries, int PushTickets,
    int Polls, int Circles, long AnalyticsEvents);

/// <summary>
/// The daily housekeeping: drops data that no longer serves any purpose, each kind after its
/// retention period (RetentionOptions), set-based. Every step is idempotent: a run that stops
/// half-way is finished by the next.
/// </summary>
public sealed class CleanupService
{
    private readonly RateLimiter _rateLimiter;
    private readonly AuthService _auth;
    private readonly AccountTransfers _transfers;
    private readonly NotificationSettingsService _notificationSettings;
    private readonly ShareCardService _shareCards;
    private readonly OutboxRetention _outbox;
    private readonly InboxService _inbox;
    private readonly PushTicketRetention _pushTickets;
    private readonly PollService _polls;
    private readonly CircleService _circles;
    private readonly AnalyticsService _analytics;
    private readonly RetentionOptions _retention;
    private readonly TimeProvider _clock;

    internal CleanupService(RateLimiter rateLimiter, AuthService auth, AccountTransfers transfers, NotificationSettingsService notificationSettings,
        ShareCardService shareCards, OutboxRetention outbox, InboxService inbox, PushTicketRetention pushTickets, PollService polls, CircleService circles,
        AnalyticsService analytics, IOptions<RetentionOptions> retention, TimeProvider clock)
    {
        _analytics = analytics;
        _shareCards = shareCards;
        _rateLimiter = rateLimiter;
        _auth = auth;
        _transfers = transfers;
        _notificationSettings = notificationSettings;
        _outbox = outbox;
        _inbox = inbox;
        _pushTickets = pushTickets;
        _polls = polls;
        _circles = circles;
        _retention = retention.Value;
        _clock = clock;
    }

    public async Task<CleanupReport> RunAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var rateLimitWindows = await _rateLimiter.DeleteWindowsBeforeAsync(now - _retention.RateLimitWindows, cancellationToken);
        var refreshTokens = await _auth.DeleteStaleRefreshTokensAsync(cancellationToken);
        var transferCodes = await _transfers.DeleteExpiredCodesAsync(cancellationToken);
        var dailyPushCounts = await _notificationSettings.DeleteOldDailyCountsAsync(now, cancellationToken);
        var outboxEvents = await _outbox.DeleteDispatchedBeforeAsync(now - _retention.OutboxEvents, cancellationToken);
        var inboxEntries = await _inbox.DeleteOlderThanAsync(now - _retention.InboxEntries, cancellationToken);
        var pushTickets = await _pushTickets.DeleteOlderThanAsync(now - _retention.PushTickets, cancellationToken);
        // Circles first: their polls go with them, and the polls step then has less to find.
        var circles = await _circles.DeleteInactiveAsync(now - _retention.DeletedCirclesAndPolls, cancellationToken);
        var polls = await _polls.DeleteOldAsync(now - _retention.ClosedPolls, now - _retention.DeletedCirclesAndPolls, cancellationToken);
        // Last: the cards of polls the steps above removed go in the same run.
        var shareCards = await _shareCards.SweepAsync(cancellationToken);
        var analyticsEvents = await _analytics.DeleteRawEventsBeforeAsync(now - _retention.AnalyticsEvents, cancellationToken);
        return new CleanupReport(rateLimitWindows, refreshTokens, transferCodes, dailyPushCounts, shareCards, outboxEvents, inboxEntries, pushTickets, polls, circles,
            analyticsEvents);
    }
}
