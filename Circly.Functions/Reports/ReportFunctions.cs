using Circly.Core.Reports;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Reports;

public sealed class ReportFunctions(HttpApi api, ReportService reports)
{
    /// <summary>{targetType, targetId, reason, details?}: once per reporter and target; rate-limited per user.</summary>
    [Function(nameof(SubmitReport))]
    public Task<IResult> SubmitReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/reports")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (user, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<ReportRequest>(request, cancellationToken);
            return ApiResponse.Created(await reports.SubmitAsync(user.UserId, body, cancellationToken));
        });
}
