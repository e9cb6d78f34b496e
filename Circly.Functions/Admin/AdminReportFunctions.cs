using Circly.Core.Admin;
using Circly.Core.Errors;
using Circly.Core.Reports;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Admin;

/// <summary>/v1/admin/reports: the moderators' queue. Oldest first; ?status (default pending), ?targetType, ?reason, ?circleId, ?limit, ?offset.</summary>
public sealed class AdminReportFunctions(HttpApi api, ReportService reports, AdminService admin)
{
    [Function(nameof(AdminListReports))]
    public Task<IResult> AdminListReports(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/reports")] HttpRequest request) =>
        api.RunAdminAsync(request, AdminRoles.Moderator, async (_, cancellationToken) =>
        {
            var paging = Paging.From(request);
            var status = Query.Text(request, "status") ?? ReportStatuses.Pending;
            var page = await reports.ListAsync(new ReportQuery(status == "all" ? null : status, Query.Text(request, "targetType"), Query.Text(request, "reason"),
                Query.Id(request, "circleId"), paging.Limit, paging.Offset), cancellationToken);
            return ApiResponse.Ok(page.Items, paging.For(page.Total));
        });

    /// <summary>The report with its target in context (recorded in the audit log).</summary>
    [Function(nameof(AdminGetReport))]
    public Task<IResult> AdminGetReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/reports/{id}")] HttpRequest request, string id) =>
        api.RunAdminAsync(request, AdminRoles.Moderator, async (moderator, cancellationToken) =>
            ApiResponse.Ok(await admin.GetReportAsync(moderator, ReportId(id), cancellationToken)));

    /// <summary>{action: dismiss|hide|rename|remove_member|ban_device, reason}: resolves every pending report on the target.</summary>
    [Function(nameof(AdminActOnReport))]
    public Task<IResult> AdminActOnReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/reports/{id}/actions")] HttpRequest request, string id) =>
        api.RunAdminAsync(request, AdminRoles.Moderator, async (moderator, cancellationToken) =>
        {
            var reportId = ReportId(id);
            var body = await RequestBody.ReadAsync<ReportActionRequest>(request, cancellationToken);
            return ApiResponse.Ok(await admin.ActOnReportAsync(moderator, reportId, body, cancellationToken));
        });

    private static Guid ReportId(string id) => Query.RouteId(id, ErrorCodes.ReportNotFound, "No report has this id.");
}
