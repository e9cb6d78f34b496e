namespace Circly.Core.Reports;

/// <summary>What can be reported: a poll, a circle, a circle's name, a member, a member's nickname.</summary>
public static class ReportTargets
{
    public const string Poll = "poll";
    public const string Circle = "circle";
    public const string CircleName = "circle_name";
    public const string Member = "member";
    public const string Nickname = "nickname";

    public static readonly IReadOnlyList<string> All = [Poll, Circle, CircleName, Member, Nickname];
}

public static class ReportReasons
{
    public static readonly IReadOnlyList<string> All = ["bullying", "inappropriate_name", "impersonation", "under_13", "self_harm", "other"];
}

public static class ReportStatuses
{
    public const string Pending = "pending";
    public const string Actioned = "actioned";
    public const string Dismissed = "dismissed";
}

/// <summary>targetId: the poll id, the circle id (circle, circle_name) or the member id (member, nickname).</summary>
public sealed record ReportRequest(string? TargetType, Guid? TargetId, string? Reason, string? Details);

/// <summary>What the reporter gets back: no word about other reports or what will happen.</summary>
public sealed record ReportReceipt(Guid Id, string Status);

/// <summary>A report as moderators see it. The reporter is never shown, not even to them: only whether the account still exists.</summary>
public sealed record ReportSummary(
    Guid Id, string TargetType, Guid TargetId, Guid? CircleId, string Reason, string? Details, string Status,
    string? Resolution, string? ResolvedBy, DateTimeOffset CreatedAt, DateTimeOffset? ReviewedAt, int ReportsOnTarget);

public sealed record ReportQuery(string? Status, string? TargetType, string? Reason, Guid? CircleId, int Limit, int Offset);

public sealed record ReportPage(IReadOnlyList<ReportSummary> Items, int Total);
