using System.Globalization;
using Circly.Core.Admin;
using Circly.Core.Analytics;
using Circly.Core.Errors;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Circly.Functions.Analytics;

public sealed partial class AnalyticsFunctions(HttpApi api, AnalyticsService analytics, ILogger<AnalyticsFunctions> logger)
{
    /// <summary>Daily: the last finished days' figures from the raw events (again), then the ended periods' keys are discarded.</summary>
    [Function(nameof(AggregateAnalytics))]
    public async Task AggregateAnalytics([TimerTrigger("%ANALYTICS_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var report = await analytics.RunDailyAsync(cancellationToken);
        LogAggregated(logger, string.Join(", ", report.Days.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))), report.KeysDiscarded, report.PartitionsCreated);
    }

    /// <summary>?from=YYYY-MM-DD&amp;to=YYYY-MM-DD (UTC days, both included; default the last 30 finished days). Moderators and admins.</summary>
    [Function(nameof(AdminMetrics))]
    public Task<IResult> AdminMetrics(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/metrics")] HttpRequest request) =>
        api.RunAdminAsync(request, AdminRoles.Moderator, async (_, cancellationToken) =>
            ApiResponse.Ok(await analytics.GetMetricsAsync(Day(request, "from"), Day(request, "to"), cancellationToken)));

    private static DateOnly? Day(HttpRequest request, string name) =>
        Query.Text(request, name) is not { } text ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
        : throw Fail.InvalidFormat(name, "must be a date, YYYY-MM-DD.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Analytics aggregated {Days}; {KeysDiscarded} period keys discarded, {PartitionsCreated} month partitions created")]
    private static partial void LogAggregated(ILogger logger, string days, int keysDiscarded, int partitionsCreated);
}
