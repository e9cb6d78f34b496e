namespace Circly.Core.Polls;

public sealed class PollOptions
{
    public const string Section = "Polls";

    /// <summary>A deadline closer than this leaves friends no time to see the poll.</summary>
    public TimeSpan MinDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A week: long enough for a school week, short enough to stay fresh.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long before the deadline every member who may vote gets a reminder (voted or not).</summary>
    public TimeSpan DeadlineReminderLead { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A poll everyone voted in closes at a random moment between this and <see cref="CloseAfterAllVotedMax"/>
    /// after the last vote (or at its deadline if sooner). The minimum keeps "Results are in" from
    /// following the last vote so closely that it names the last voter; the spread makes the time of
    /// the close say only that the last vote fell somewhere in a 45-minute window.
    /// </summary>
    public TimeSpan CloseAfterAllVotedMin { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The latest a poll everyone voted in waits for its close (see <see cref="CloseAfterAllVotedMin"/>).</summary>
    public TimeSpan CloseAfterAllVotedMax { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Polls one member may start per hour, across all their circles: each lands in every other member's inbox.</summary>
    public int MaxCreatedPerUserPerHour { get; set; } = 5;

    /// <summary>Polls one circle may get per hour, from all its members together.</summary>
    public int MaxCreatedPerCirclePerHour { get; set; } = 20;
}
