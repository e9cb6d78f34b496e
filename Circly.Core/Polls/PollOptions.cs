namespace Circly.Core.Polls;

public sealed class PollOptions
{
    public const string Section = "Polls";

    /// <summary>A deadline closer than this leaves friends no time to see the poll.</summary>
    public TimeSpan MinDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A week: long enough for a school week, short enough to stay fresh.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long before the deadline members who have not voted get a reminder.</summary>
    public TimeSpan DeadlineReminderLead { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Polls one member may start per hour, across all their circles: each lands in every other member's inbox.</summary>
    public int MaxCreatedPerUserPerHour { get; set; } = 5;

    /// <summary>Polls one circle may get per hour, from all its members together.</summary>
    public int MaxCreatedPerCirclePerHour { get; set; } = 20;
}
