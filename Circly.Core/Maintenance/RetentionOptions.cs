using System.ComponentModel.DataAnnotations;

namespace Circly.Core.Maintenance;

/// <summary>
/// How long the daily cleanup keeps what no longer serves a purpose. Personal data goes as soon as
/// it is not needed: each period is the shortest that still serves its use (docs/ARCHITECTURE.md, "Retention").
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Dispatched outbox events: a week to investigate a delivery problem; they hold ids and question texts only.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "90.00:00:00")]
    public TimeSpan OutboxEvents { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Inbox entries: a month, as long as closed polls are listed.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan InboxEntries { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Push claims and tickets: two days. A claim must outlive every redelivery of its event (queue
    /// retries, the outbox sweep: minutes to hours) and a ticket its receipt (Expo keeps receipts a
    /// day). Claims are grouped by day, so at least one day.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "30.00:00:00")]
    public TimeSpan PushTickets { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Rate-limit windows: the longest limit's window is an hour; two hours leaves a margin.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "7.00:00:00")]
    public TimeSpan RateLimitWindows { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Closed polls (options and participation hashes with them): a month, as long as the app lists them.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan ClosedPolls { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Deleted polls and circles (deleted by their owner, or a circle everyone left): a week, for a
    /// report about them to be reviewed; then the rows, memberships, options and hashes go.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "90.00:00:00")]
    public TimeSpan DeletedCirclesAndPolls { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Raw analytics events: 90 days, enough to compute any day again (MAU needs a month) and to look
    /// into a figure; they go by whole months, so a row lives at most a month longer. The daily figures stay.
    /// </summary>
    [Range(typeof(TimeSpan), "35.00:00:00", "400.00:00:00")]
    public TimeSpan AnalyticsEvents { get; set; } = TimeSpan.FromDays(90);
}
