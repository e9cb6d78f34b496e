using Circly.Core.Health;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Health;

public sealed class BacklogFunction(BacklogSampler sampler)
{
    /// <summary>Once a minute: queue depths, poison counts and the outbox lag, as gauges for the workbook and the alerts.</summary>
    [Function(nameof(SampleBacklog))]
    public Task SampleBacklog([TimerTrigger("%BACKLOG_METRICS_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken) =>
        sampler.SampleAsync(cancellationToken);
}
