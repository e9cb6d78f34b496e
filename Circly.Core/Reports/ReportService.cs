using Circly.Core.Circles;
using Circly.Core.Errors;
using Circly.Core.Polls;
using Circly.Core.RateLimiting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Circly.Core.Reports;

/// <summary>
/// The Reports module: members report polls, circles, circle names, members and nicknames they can
/// see, for a reason from a fixed list, with optional details only moderators read. One report per
/// reporter and target; rate-limited per user. Nobody but the database knows who reported: the
/// reported person, the circle and moderators never see it. A circle name or nickname with enough
/// distinct reporters is hidden behind a placeholder at once, until a moderator decides.
/// </summary>
public sealed class ReportService
{
    public const int DetailsMaxLength = 500;

    private readonly ReportRepository _repository;
    private readonly CircleService _circles;
    private readonly CircleModeration _circleModeration;
    private readonly PollService _polls;
    private readonly RateLimiter _rateLimiter;
    private readonly RateLimitPolicy _perUser;
    private readonly ReportOptions _options;

    internal ReportService(ReportRepository repository, CircleService circles, CircleModeration circleModeration, PollService polls,
        RateLimiter rateLimiter, IOptions<ReportOptions> options)
    {
        _repository = repository;
        _circles = circles;
        _circleModeration = circleModeration;
        _polls = polls;
        _rateLimiter = rateLimiter;
        _options = options.Value;
        _perUser = new RateLimitPolicy("reports", _options.MaxPerUserPerHour, TimeSpan.FromHours(1));
    }

    public async Task<ReportReceipt> SubmitAsync(Guid userId, ReportRequest request, CancellationToken cancellationToken)
    {
        var targetType = OneOf(request.TargetType, "targetType", ReportTargets.All);
        var targetId = request.TargetId ?? throw Fail.Required("targetId");
        var reason = OneOf(request.Reason, "reason", ReportReasons.All);
        var details = Details(request.Details);
        await _rateLimiter.HitAsync(_perUser, userId.ToString(), cancellationToken);

        var circleId = await CircleOfVisibleTargetAsync(userId, targetType, targetId, cancellationToken);
        var reportId = await _repository.AddAsync(userId, targetType, targetId, circleId, reason, details, cancellationToken)
            ?? throw Fail.With(ErrorCodes.ReportAlreadySubmitted, "You have already reported this. Our moderators will look at it.");

        if (NameKindOf(targetType) is { } kind
            && await _repository.PendingReportersAsync(targetType, targetId, cancellationToken) >= _options.AutoHideThreshold)
        {
            await _circleModeration.HideAsync(kind, targetId, cancellationToken);
        }
        return new ReportReceipt(reportId, "received");
    }

    // ---- For the admin API ----

    public Task<ReportPage> ListAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        if (query.Status is { } status && status is not (ReportStatuses.Pending or ReportStatuses.Actioned or ReportStatuses.Dismissed))
        {
            throw Fail.InvalidFormat("status", "must be one of pending, actioned, dismissed.");
        }
        OneOfOrNull(query.TargetType, "targetType", ReportTargets.All);
        OneOfOrNull(query.Reason, "reason", ReportReasons.All);
        return _repository.ListAsync(query, cancellationToken);
    }

    public async Task<ReportSummary> GetAsync(Guid reportId, CancellationToken cancellationToken) =>
        await _repository.GetAsync(reportId, cancellationToken) ?? throw Fail.With(ErrorCodes.ReportNotFound, "No report has this id.");

    /// <summary>Closes every pending report on the target with the moderator's decision, in the caller's transaction.</summary>
    public Task<int> ResolveTargetAsync(ReportSummary report, bool dismissed, string resolution, string actor,
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        _repository.ResolveTargetAsync(report.TargetType, report.TargetId, dismissed ? ReportStatuses.Dismissed : ReportStatuses.Actioned,
            resolution, actor, connection, transaction, cancellationToken);

    /// <summary>Which name a target is, for auto-hide and the hide/rename actions; null for polls, circles and members.</summary>
    public static NameKind? NameKindOf(string targetType) => targetType switch
    {
        ReportTargets.CircleName => NameKind.CircleName,
        ReportTargets.Nickname => NameKind.Nickname,
        _ => null,
    };

    /// <summary>The circle the target is in, when the reporter can see it; the usual not-found answer otherwise.</summary>
    private async Task<Guid> CircleOfVisibleTargetAsync(Guid userId, string targetType, Guid targetId, CancellationToken cancellationToken)
    {
        switch (targetType)
        {
            case ReportTargets.Poll:
                return (await _polls.GetAsync(userId, targetId, cancellationToken)).Poll.CircleId;
            case ReportTargets.Circle or ReportTargets.CircleName:
                return (await _circles.FindMembershipAsync(targetId, userId, cancellationToken))?.CircleId
                    ?? throw Fail.With(ErrorCodes.CircleNotFound, "Circle not found.");
            default:
                var member = await _circleModeration.FindMemberAsync(targetId, cancellationToken);
                if (member is not { IsActive: true } || await _circles.FindMembershipAsync(member.CircleId, userId, cancellationToken) is not { } mine)
                {
                    throw Fail.With(ErrorCodes.NotFound, "There is no such member in a circle you are in.");
                }
                return mine.MemberId == member.MemberId
                    ? throw Fail.InvalidFormat("targetId", "is you: you can't report yourself.")
                    : member.CircleId;
        }
    }

    private static string OneOf(string? value, string field, IReadOnlyList<string> allowed) =>
        string.IsNullOrWhiteSpace(value) ? throw Fail.Required(field) : OneOfOrNull(value, field, allowed)!;

    private static string? OneOfOrNull(string? value, string field, IReadOnlyList<string> allowed) =>
        value is null || allowed.Contains(value) ? value : throw Fail.InvalidFormat(field, $"must be one of {string.Join(", ", allowed)}.");

    /// <summary>Optional free text for moderators only: trimmed, at most 500 characters, no control characters but line breaks.</summary>
    private static string? Details(string? value)
    {
        var details = value?.Trim();
        if (string.IsNullOrEmpty(details))
        {
            return null;
        }
        if (details.EnumerateRunes().Count() > DetailsMaxLength)
        {
            throw Fail.OutOfRange("details", $"must be at most {DetailsMaxLength} characters.");
        }
        return details.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            ? throw Fail.InvalidFormat("details", "contains characters that are not text.")
            : details;
    }
}
