using NCrontab;

namespace Circly.DevHost;

/// <summary>Runs one timer function on its [TimerTrigger] schedule (six-field cron or a TimeSpan, %SETTING% resolved).</summary>
public sealed partial class TimerTriggerService(
    FunctionDescriptor function,
    IConfiguration configuration,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<TimerTriggerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var next = NextOccurrence(ResolveSchedule(function.Schedule!, configuration));
        if (function.RunOnStartup)
        {
            await RunOnceAsync(stoppingToken);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var due = next(now);
            try
            {
                await Task.Delay(due - now, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await RunOnceAsync(stoppingToken);
        }
    }

    private async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            await FunctionInvoker.InvokeTimerAsync(function, services, stoppingToken);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            var failure = exception.InnerException ?? exception;
            LogFailed(logger, function.Name, failure.GetType().Name, failure.Message);
        }
    }

    /// <summary>"%CLOSE_POLLS_SCHEDULE%" → the setting's value, as the host resolves binding expressions.</summary>
    public static string ResolveSchedule(string schedule, IConfiguration configuration)
    {
        if (schedule.Length > 2 && schedule.StartsWith('%') && schedule.EndsWith('%'))
        {
            var setting = schedule[1..^1];
            return configuration[setting] ?? throw new InvalidOperationException($"Timer schedule setting '{setting}' is not configured.");
        }
        return schedule;
    }

    public static Func<DateTimeOffset, DateTimeOffset> NextOccurrence(string schedule)
    {
        if (TimeSpan.TryParse(schedule, System.Globalization.CultureInfo.InvariantCulture, out var interval))
        {
            return now => now + interval;
        }
        var cron = CrontabSchedule.Parse(schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });
        return now => new DateTimeOffset(cron.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer {Function} failed: {ExceptionType}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string function, string exceptionType, string reason);
}
