using Circly.Core.Maintenance;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Circly.Functions.Maintenance;

public sealed partial class CleanupFunction(CleanupService cleanup, ILogger<CleanupFunction> logger)
{
    [Function(nameof(Cleanup))]
    public async Task Cleanup([TimerTrigger("%CLEANUP_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var report = await cleanup.RunAsync(cancellationToken);
        LogCleaned(logger, report.RateLimitWindows, report.RefreshTokens, report.TransferCodes, report.DailyPushCounts, report.ShareCards,
            report.OutboxEvents, report.InboxEntries, report.PushTickets, report.Polls, report.Circles, report.AnalyticsEvents);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cleanup removed {RateLimitWindows} rate-limit windows, {RefreshTokens} refresh tokens, {TransferCodes} transfer codes, {DailyPushCounts} daily push counters, {ShareCards} share cards, {OutboxEvents} outbox events, {InboxEntries} inbox entries, {PushTickets} push claims and tickets, {Polls} polls, {Circles} circles and {AnalyticsEvents} raw analytics events")]
    private static partial void LogCleaned(ILogger logger, int rateLimitWindows, int refreshTokens, int transferCodes, int dailyPushCounts, int shareCards,
        int outboxEvents, int inboxEntries, int pushTickets, int polls, int circles, long analyticsEvents);
}
