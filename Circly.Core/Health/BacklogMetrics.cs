using System.Diagnostics.Metrics;
using Circly.Core.Telemetry;

namespace Circly.Core.Health;

/// <summary>
/// How far behind the asynchronous work is (meter Circly.Backlog): each queue's depth and its
/// poison queue's, and the age of the oldest outbox event not yet on its queue. Gauges, set by
/// <see cref="BacklogSampler"/> once a minute (the SampleBacklog timer).
/// </summary>
public sealed class BacklogMetrics
{
    public const string QueueDepth = "circly.queue.depth";
    public const string PoisonMessages = "circly.queue.poison";
    public const string OutboxLag = "circly.outbox.lag";

    private readonly Gauge<long> _queueDepth;
    private readonly Gauge<long> _poisonMessages;
    private readonly Gauge<double> _outboxLag;

    public BacklogMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(CirclyMeters.Backlog);
        _queueDepth = meter.CreateGauge<long>(QueueDepth, "{message}", "Approximate messages waiting in the queue; queue = its name.");
        _poisonMessages = meter.CreateGauge<long>(PoisonMessages, "{message}", "Messages in the queue's poison queue; queue = the main queue's name.");
        _outboxLag = meter.CreateGauge<double>(OutboxLag, "s", "Age of the oldest outbox event not yet dispatched; 0 when none is waiting.");
    }

    public void RecordQueue(string queue, long depth, long poison)
    {
        var tag = new KeyValuePair<string, object?>("queue", queue);
        _queueDepth.Record(depth, tag);
        _poisonMessages.Record(poison, tag);
    }

    public void RecordOutboxLag(TimeSpan lag) => _outboxLag.Record(Math.Max(0, lag.TotalSeconds));
}
