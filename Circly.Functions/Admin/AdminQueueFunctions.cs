using Circly.Core.Admin;
using Circly.Core.Health;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Admin;

/// <summary>What the console's dashboard shows of the queues: the same figures as /health/detailed, for a signed-in moderator or admin.</summary>
public sealed class AdminQueueFunctions(HttpApi api, HealthService health)
{
    [Function(nameof(AdminQueues))]
    public Task<IResult> AdminQueues(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/queues")] HttpRequest request) =>
        api.RunAdminAsync(request, AdminRoles.Moderator, async (_, cancellationToken) =>
        {
            var report = await health.CheckAsync(cancellationToken);
            return ApiResponse.Ok(new QueueOverview(report.Status, report.Queues));
        });
}

/// <summary>Each queue's depth and poison count; Status is the health check's (degraded when poison messages wait).</summary>
public sealed record QueueOverview(string Status, IReadOnlyDictionary<string, QueueHealth> Queues);
