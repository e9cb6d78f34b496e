using System.Text.Json.Serialization;

namespace Circly.Core.Health;

public sealed record ComponentHealth(string Status, double LatencyMs, string? Error = null)
{
    [JsonIgnore]
    public bool IsUp => Status == HealthStatus.Healthy;
}

public sealed record QueueHealth(string Status, double LatencyMs, int? ApproximateMessages, int? PoisonMessages, string? Error = null);

/// <summary>
/// The outbox: events not on their queue yet, and events dispatched whose consumer has not finished
/// (in flight, or lost and due to be sent again), with the oldest one's age in seconds; stuck ones
/// were dispatched as often as the sweep will and are still not consumed.
/// </summary>
public sealed record OutboxHealth(string Status, double LatencyMs, long? Pending, double? OldestPendingSeconds,
    long? Unconsumed, double? OldestUnconsumedSeconds, long? Stuck, string? Error = null);

public sealed record HealthReport(
    string Status,
    string Version,
    string? SchemaVersion,
    ComponentHealth Database,
    IReadOnlyDictionary<string, QueueHealth> Queues,
    OutboxHealth Outbox)
{
    [JsonIgnore]
    public bool IsUp => Status != HealthStatus.Unhealthy;
}

public static class HealthStatus
{
    public const string Healthy = "healthy";
    /// <summary>Everything answers but something needs a look (poison messages waiting, outbox events the sweep gave up on).</summary>
    public const string Degraded = "degraded";
    public const string Unhealthy = "unhealthy";
}
