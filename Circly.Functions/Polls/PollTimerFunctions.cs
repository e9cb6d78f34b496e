using Circly.Core.Polls;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Circly.Functions.Polls;

public sealed partial class PollTimerFunctions(PollService polls, ILogger<PollTimerFunctions> logger)
{
    /// <summary>
    /// Every minute: close every poll past its deadline or past the random delay after everyone voted
    /// (a statement per chunk of 25,000, each writing its events too; overlapping runs close each once). The only place polls close.
    /// </summary>
    [Function(nameof(ClosePolls))]
    public async Task ClosePolls([TimerTrigger("%CLOSE_POLLS_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var closed = await polls.CloseExpiredAsync(cancellationToken);
        if (closed > 0)
        {
            LogClosed(logger, closed);
        }
    }

    /// <summary>Announces polls whose deadline is near, once each: every member who may vote gets a reminder, voted or not.</summary>
    [Function(nameof(DeadlineReminders))]
    public async Task DeadlineReminders([TimerTrigger("%DEADLINE_REMINDERS_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var announced = await polls.AnnounceDeadlinesAsync(cancellationToken);
        if (announced > 0)
        {
            LogAnnounced(logger, announced);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} expired polls")]
    private static partial void LogClosed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Announced the deadline of {Count} polls")]
    private static partial void LogAnnounced(ILogger logger, int count);
}
