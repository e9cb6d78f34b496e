using System.Diagnostics.Metrics;
using Circly.Core.Outbox;
using Circly.Core.Telemetry;

namespace Circly.Core.Health;

/// <summary>
/// How far behind the asynchronous work is (meter Circly.Backlog): each queue's depth and its
/// poison queue's, the age of the oldest outbox event not yet on its queue, and the events dispatched
/// but not consumed yet (how many, the oldest one's age, how many the sweep gave up on). Gauges, set by
/// <see cref="BacklogSampler"/> once a minute (the SampleBacklog timer).
/// </summary>
public sealed class BacklogMetrics
{
    public const string QueueDepth = "circly.queue.depth";
    public const string PoisonMessages = "circly.queue.poison";
    public const string OutboxLag = "circly.outbox.lag";
    public const string OutboxUnconsumed = "circly.outbox.unconsumed";
    public const string OutboxUnconsumedAge = "circly.outbox.unconsumed.age";
    public const string OutboxStuck = "circly.outbox.stuck";

    private readonly Gauge<long> _queueDepth;
    private readonly Gauge<long> _poisonMessages;
    private readonly Gauge<double> _outboxLag;
    private readonly Gauge<long> _outboxUnconsumed;
    private readonly Gauge<double> _outboxUnconsumedAge;
    private readonly Gauge<long> _outboxStuck;

    public BacklogMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(CirclyMeters.Backlog);
        _queueDepth = meter.CreateGauge<long>(QueueDepth, "{message}", "Approximate messages waiting in the queue; queue = its name.");
        _poisonMessages = meter.CreateGauge<long>(PoisonMessages, "{message}", "Messages in the queue's poison queue; queue = the main queue's name.");
        _outboxLag = meter.CreateGauge<double>(OutboxLag, "s", "Age of the oldest outbox event not yet dispatched; 0 when none is waiting.");
        _outboxUnconsumed = meter.CreateGauge<long>(OutboxUnconsumed, "{event}", "Outbox events dispatched whose consumer has not finished yet.");
        _outboxUnconsumedAge = meter.CreateGauge<double>(OutboxUnconsumedAge, "s", "Age of the oldest outbox event dispatched but not consumed; 0 when none.");
        _outboxStuck = meter.CreateGauge<long>(OutboxStuck, "{event}", "Outbox events still not consumed after the most dispatches the sweep makes.");
    }

    public void RecordQueue(string queue, long depth, long poison)
    {
        var tag = new KeyValuePair<string, object?>("queue", queue);
        _queueDepth.Record(depth, tag);
        _poisonMessages.Record(poison, tag);
    }

    public void RecordOutbox(OutboxStatus status)
    {
        _outboxLag.Record(Math.Max(0, status.OldestPending.TotalSeconds));
        _outboxUnconsumed.Record(status.Unconsumed);
        _outboxUnconsumedAge.Record(Math.Max(0, status.OldestUnconsumed.TotalSeconds));
        _outboxStuck.Record(status.Stuck);
    }
}
