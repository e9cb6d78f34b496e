using Circly.Core.Admin;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Admin;

public sealed class AdminAuditFunctions(HttpApi api, AdminAudit audit)
{
    /// <summary>Newest first; ?action, ?targetType, ?targetId, ?actor, ?limit, ?offset. Admins only.</summary>
    [Function(nameof(AdminAuditLog))]
    public Task<IResult> AdminAuditLog(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/audit-log")] HttpRequest request) =>
        api.RunAdminAsync(request, AdminRoles.Admin, async (_, cancellationToken) =>
        {
            var paging = Paging.From(request);
            var page = await audit.ListAsync(new AuditQuery(Query.Text(request, "action"), Query.Text(request, "targetType"),
                Query.Text(request, "targetId"), Query.Text(request, "actor"), paging.Limit, paging.Offset), cancellationToken);
            return ApiResponse.Ok(page.Items, paging.For(page.Total));
        });
}
