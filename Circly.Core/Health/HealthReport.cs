using System.Text.Json.Serialization;

namespace Circly.Core.Health;

public sealed record ComponentHealth(string Status, double LatencyMs, string? Error = null)
{
    [JsonIgnore]
    public bool IsUp => Status == HealthStatus.Healthy;
}

public sealed record QueueHealth(string Status, double LatencyMs, int? ApproximateMessages, int? PoisonMessages, string? Error = null);

public sealed record HealthReport(
    string Status,
    string Version,
    string? SchemaVersion,
    ComponentHealth Database,
    IReadOnlyDictionary<string, QueueHealth> Queues,
    IReadOnlyDictionary<string, ComponentHealth> Tables)
{
    [JsonIgnore]
    public bool IsUp => Status != HealthStatus.Unhealthy;
}

public static class HealthStatus
{
    public const string Healthy = "healthy";
    /// <summary>Everything answers but something needs a look (poison messages waiting).</summary>
    public const string Degraded = "degraded";
    public const string Unhealthy = "unhealthy";
}
