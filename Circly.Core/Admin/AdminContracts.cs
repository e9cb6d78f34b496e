using Circly.Core.Auth;
using Circly.Core.Circles;
using Circly.Core.Polls;
using Circly.Core.Reports;
using Circly.Core.Users;

namespace Circly.Core.Admin;

/// <summary>The decisions a moderator can take on a report.</summary>
public static class ReportActions
{
    public const string Dismiss = "dismiss";
    public const string Hide = "hide";
    public const string Rename = "rename";
    public const string RemoveMember = "remove_member";
    public const string BanDevice = "ban_device";

    public static readonly IReadOnlyList<string> All = [Dismiss, Hide, Rename, RemoveMember, BanDevice];
}

/// <summary>Every admin action names its reason; it goes to the audit log.</summary>
public sealed record ReportActionRequest(string? Action, string? Reason);

public sealed record ReasonRequest(string? Reason);

public sealed record BanRequest(Guid? UserId, string? Reason);

/// <summary>
/// A report with its target in context: the poll (question, options' nicknames), the circle, the
/// member. Never vote counts, participations or who voted: the admin API has no way to them.
/// </summary>
public sealed record ReportInContext(ReportSummary Report, ModeratedCircle? Circle, ModeratedPoll? Poll, ModeratedMember? Member);

public sealed record ReportActionResult(Guid ReportId, string Action, int ReportsResolved);

/// <summary>A user as a moderator looks them up: the account, its bans, its memberships.</summary>
public sealed record UserLookup(AccountOverview Account, IReadOnlyList<ModeratedMember> Memberships);

public sealed record ContentHidden(string TargetType, Guid TargetId, bool Hidden);

public sealed record BanPage(IReadOnlyList<DeviceBan> Items, int Total);
