using Circly.Core.Health;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Health;

public sealed class HealthFunctions(HttpApi api, HealthService health)
{
    /// <summary>
    /// Liveness: answers without touching any dependency. HEAD is listed because the host gives a
    /// GET-only function no HEAD (uptime monitors use it); other GET routes answer HEAD with 404.
    /// </summary>
    [Function(nameof(GetHealth))]
    public Task<IResult> GetHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "health")] HttpRequest request) =>
        api.RunAsync(request, _ => Task.FromResult(ApiResponse.Ok(new LivenessResponse(HealthStatus.Healthy, HealthService.AppVersion))));

    /// <summary>
    /// PostgreSQL, queues (with poison counts) and the outbox, each with status and latency. 503 when any
    /// is down. Not public: it tells an attacker what is struggling, so the host demands a function
    /// key (x-functions-key or ?code=) before the function runs, so a bearer token alone never opens it.
    /// </summary>
    [Function(nameof(GetHealthDetailed))]
    public Task<IResult> GetHealthDetailed(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "health/detailed")] HttpRequest request) =>
        api.RunAsync(request, async cancellationToken =>
        {
            var report = await health.CheckAsync(cancellationToken);
            return report.IsUp ? ApiResponse.Ok(report) : ApiResponse.Unavailable(report);
        });
}
