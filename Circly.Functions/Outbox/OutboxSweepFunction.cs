using Circly.Core.Outbox;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Circly.Functions.Outbox;

public sealed partial class OutboxSweepFunction(OutboxDispatcher dispatcher, ILogger<OutboxSweepFunction> logger)
{
    [Function(nameof(OutboxSweep))]
    public async Task OutboxSweep([TimerTrigger("%OUTBOX_SWEEP_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var sent = await dispatcher.SweepAsync(batchSize: 500, cancellationToken);
        if (sent > 0)
        {
            LogSwept(logger, sent);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox sweep delivered {Count} events left behind")]
    private static partial void LogSwept(ILogger logger, int count);
}
