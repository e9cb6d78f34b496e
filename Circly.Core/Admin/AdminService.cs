using Circly.Core.Auth;
using Circly.Core.Circles;
using Circly.Core.Errors;
using Circly.Core.Polls;
using Circly.Core.Reports;
using Circly.Core.Templates;
using Circly.Core.Users;

namespace Circly.Core.Admin;

/// <summary>
/// The Admin module: what moderators and admins do, each step through the owning module's service
/// and recorded in the audit log in the same transaction (AdminAudit). Reading a report in context
/// and looking a user up are recorded too: they show personal data. Nothing here can reach a vote.
/// </summary>
public sealed class AdminService
{
    public const int ReasonMaxLength = 500;

    private readonly AdminAudit _audit;
    private readonly ReportService _reports;
    private readonly CircleModeration _circles;
    private readonly PollModeration _polls;
    private readonly AccountModeration _accounts;
    private readonly UserService _users;
    private readonly TemplateService _templates;

    internal AdminService(AdminAudit audit, ReportService reports, CircleModeration circles, PollModeration polls, AccountModeration accounts,
        UserService users, TemplateService templates)
    {
        _audit = audit;
        _reports = reports;
        _circles = circles;
        _polls = polls;
        _accounts = accounts;
        _users = users;
        _templates = templates;
    }

    public async Task<ReportInContext> GetReportAsync(AdminIdentity admin, Guid reportId, CancellationToken cancellationToken)
    {
        var report = await _reports.GetAsync(reportId, cancellationToken);
        var poll = report.TargetType == ReportTargets.Poll ? await _polls.FindAsync(report.TargetId, cancellationToken) : null;
        var member = report.TargetType is ReportTargets.Member or ReportTargets.Nickname ? await _circles.FindMemberAsync(report.TargetId, cancellationToken) : null;
        var circleId = report.CircleId ?? poll?.CircleId ?? member?.CircleId;
        var circle = circleId is { } id ? await _circles.FindCircleAsync(id, cancellationToken) : null;
        var view = new ReportInContext(report, circle, poll, member);
        return await _audit.RecordAsync(admin, "view_report", "report", reportId.ToString(), null,
            (_, _) => Task.FromResult<(ReportInContext, object?)>((view, null)), cancellationToken);
    }

    /// <summary>
    /// Acts on a report's target and closes every pending report on it: dismiss (a hidden name shows
    /// again), hide (the poll, the circle, or the name stays hidden), rename (a placeholder name),
    /// remove_member (out of the circle, invite replaced), ban_device (the member's or poll creator's device).
    /// </summary>
    public async Task<ReportActionResult> ActOnReportAsync(AdminIdentity admin, Guid reportId, ReportActionRequest request, CancellationToken cancellationToken)
    {
        var action = request.Action is null ? throw Fail.Required("action")
            : ReportActions.All.Contains(request.Action) ? request.Action
            : throw Fail.InvalidFormat("action", $"must be one of {string.Join(", ", ReportActions.All)}.");
        var reason = Reason(request.Reason);
        var report = await _reports.GetAsync(reportId, cancellationToken);
        var target = report.TargetType;
        var banUser = action == ReportActions.BanDevice ? await UserBehindAsync(report, cancellationToken) : null;

        var result = await _audit.RecordAsync(admin, "report_" + action, target, report.TargetId.ToString(), reason, async (connection, transaction) =>
        {
            switch (action)
            {
                case ReportActions.Dismiss:
                    if (ReportService.NameKindOf(target) is { } dismissed)
                    {
                        await _circles.SetHiddenAsync(dismissed, report.TargetId, false, connection, transaction, cancellationToken);
                    }
                    break;
                case ReportActions.Hide:
                    var hidden = target switch
                    {
                        ReportTargets.Poll => await _polls.HideAsync(report.TargetId, connection, transaction, cancellationToken),
                        ReportTargets.Circle => await _circles.HideCircleAsync(report.TargetId, connection, transaction, cancellationToken),
                        ReportTargets.CircleName or ReportTargets.Nickname =>
                            await _circles.SetHiddenAsync(ReportService.NameKindOf(target)!.Value, report.TargetId, true, connection, transaction, cancellationToken),
                        _ => throw NotFor(action, target),
                    };
                    break;
                case ReportActions.Rename:
                    var kind = target switch
                    {
                        ReportTargets.Circle or ReportTargets.CircleName => NameKind.CircleName,
                        ReportTargets.Member or ReportTargets.Nickname => NameKind.Nickname,
                        _ => throw NotFor(action, target),
                    };
                    await _circles.RenameToPlaceholderAsync(kind, report.TargetId, connection, transaction, cancellationToken);
                    break;
                case ReportActions.RemoveMember:
                    if (target is not (ReportTargets.Member or ReportTargets.Nickname))
                    {
                        throw NotFor(action, target);
                    }
                    await _circles.RemoveMemberAsync(report.TargetId, connection, transaction, cancellationToken);
                    break;
                case ReportActions.BanDevice:
                    await _accounts.BanAsync(banUser!.Value, reason, connection, transaction, cancellationToken);
                    break;
            }
            var resolved = await _reports.ResolveTargetAsync(report, action == ReportActions.Dismiss, action, admin.Actor, connection, transaction, cancellationToken);
            return (new ReportActionResult(reportId, action, resolved), (object?)new { reportId, userId = banUser });
        }, cancellationToken);
        if (action == ReportActions.Hide && target == ReportTargets.Poll)
        {
            await _polls.RemovePollDataAsync(report.TargetId, cancellationToken);
        }
        return result;
    }

    public Task<DeviceBan> BanAsync(AdminIdentity admin, BanRequest request, CancellationToken cancellationToken)
    {
        var userId = request.UserId ?? throw Fail.Required("userId");
        var reason = Reason(request.Reason);
        return _audit.RecordAsync(admin, "ban_device", "user", userId.ToString(), reason, async (connection, transaction) =>
        {
            var ban = await _accounts.BanAsync(userId, reason, connection, transaction, cancellationToken) ?? throw UserNotFound();
            return (ban, (object?)new { banId = ban.Id });
        }, cancellationToken);
    }

    public Task<DeviceBan> LiftBanAsync(AdminIdentity admin, Guid banId, ReasonRequest request, CancellationToken cancellationToken)
    {
        var reason = Reason(request.Reason);
        return _audit.RecordAsync(admin, "lift_ban", "ban", banId.ToString(), reason, async (connection, transaction) =>
        {
            var ban = await _accounts.UnbanAsync(banId, connection, transaction, cancellationToken) ?? throw Fail.With(ErrorCodes.NotFound, "No ban has this id.");
            return (ban, (object?)new { userId = ban.UserId });
        }, cancellationToken);
    }

    public async Task<BanPage> ListBansAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        var (items, total) = await _accounts.ListAsync(limit, offset, cancellationToken);
        return new BanPage(items, total);
    }

    public async Task<ContentHidden> HidePollAsync(AdminIdentity admin, Guid pollId, ReasonRequest request, CancellationToken cancellationToken)
    {
        var reason = Reason(request.Reason);
        var hidden = await _audit.RecordAsync(admin, "hide_poll", "poll", pollId.ToString(), reason, async (connection, transaction) =>
        {
            if (await _polls.FindAsync(pollId, cancellationToken) is null)
            {
                throw Fail.With(ErrorCodes.PollNotFound, "Poll not found.");
            }
            var changed = await _polls.HideAsync(pollId, connection, transaction, cancellationToken);
            return (new ContentHidden("poll", pollId, true), (object?)new { changed });
        }, cancellationToken);
        await _polls.RemovePollDataAsync(pollId, cancellationToken);
        return hidden;
    }

    public Task<ContentHidden> HideCircleAsync(AdminIdentity admin, Guid circleId, ReasonRequest request, CancellationToken cancellationToken)
    {
        var reason = Reason(request.Reason);
        return _audit.RecordAsync(admin, "hide_circle", "circle", circleId.ToString(), reason, async (connection, transaction) =>
        {
            if (await _circles.FindCircleAsync(circleId, cancellationToken) is null)
            {
                throw Fail.With(ErrorCodes.CircleNotFound, "Circle not found.");
            }
            var changed = await _circles.HideCircleAsync(circleId, connection, transaction, cancellationToken);
            return (new ContentHidden("circle", circleId, true), (object?)new { changed });
        }, cancellationToken);
    }

    public async Task<UserLookup> LookUpUserAsync(AdminIdentity admin, Guid userId, CancellationToken cancellationToken)
    {
        var account = await _users.GetOverviewAsync(userId, cancellationToken) ?? throw UserNotFound();
        var lookup = new UserLookup(account, await _circles.MembershipsOfUserAsync(userId, cancellationToken));
        return await _audit.RecordAsync(admin, "lookup_user", "user", userId.ToString(), null,
            (_, _) => Task.FromResult<(UserLookup, object?)>((lookup, null)), cancellationToken);
    }

    public Task<AdminTemplate> CreateTemplateAsync(AdminIdentity admin, TemplateRequest request, CancellationToken cancellationToken) =>
        _audit.RecordAsync(admin, "create_template", "template", "new", null, async (connection, transaction) =>
        {
            var created = await _templates.CreateAsync(request, connection, transaction, cancellationToken);
            return (created, (object?)new { templateId = created.Id, created.Category, created.QuestionText, created.Emoji });
        }, cancellationToken);

    public Task<AdminTemplate> UpdateTemplateAsync(AdminIdentity admin, Guid templateId, TemplateRequest request, CancellationToken cancellationToken) =>
        _audit.RecordAsync(admin, "edit_template", "template", templateId.ToString(), null, async (connection, transaction) =>
        {
            var updated = await _templates.UpdateAsync(templateId, request, connection, transaction, cancellationToken);
            return (updated, (object?)new { updated.Category, updated.QuestionText, updated.Emoji });
        }, cancellationToken);

    public Task<AdminTemplate> DeactivateTemplateAsync(AdminIdentity admin, Guid templateId, CancellationToken cancellationToken) =>
        _audit.RecordAsync(admin, "deactivate_template", "template", templateId.ToString(), null, async (connection, transaction) =>
            (await _templates.DeactivateAsync(templateId, connection, transaction, cancellationToken), (object?)null), cancellationToken);

    /// <summary>The account a ban on this report's target hits: the member's, or the poll creator's.</summary>
    private async Task<Guid?> UserBehindAsync(ReportSummary report, CancellationToken cancellationToken) =>
        report.TargetType switch
        {
            ReportTargets.Member or ReportTargets.Nickname => (await _circles.FindMemberAsync(report.TargetId, cancellationToken))?.UserId,
            ReportTargets.Poll => (await _polls.FindAsync(report.TargetId, cancellationToken))?.CreatorId,
            _ => throw NotFor(ReportActions.BanDevice, report.TargetType),
        } ?? throw Fail.With(ErrorCodes.NotFound, "The account behind this report no longer exists.");

    private static string Reason(string? value)
    {
        var reason = value?.Trim();
        return string.IsNullOrEmpty(reason) ? throw Fail.Required("reason")
            : reason.Length > ReasonMaxLength ? throw Fail.OutOfRange("reason", $"must be at most {ReasonMaxLength} characters.")
            : reason;
    }

    private static CirclyException NotFor(string action, string target) =>
        Fail.InvalidFormat("action", $"'{action}' does not apply to a {target} report.");

    private static CirclyException UserNotFound() => Fail.With(ErrorCodes.NotFound, "No account has this id.");
}
