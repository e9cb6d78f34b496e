namespace Circly.DevHost;

/// <summary>
/// host.json's extensions.queues, with the Functions host's defaults, overridable the host's way:
/// AzureFunctionsJobHost__extensions__queues__maxDequeueCount and friends.
/// </summary>
public sealed class QueueHostOptions
{
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.Zero;

    public int BatchSize { get; set; } = 16;

    /// <summary>
    /// The host fetches the next batch as soon as no more than this many messages are still running
    /// (QueueListener.WaitForNewBatchThreshold), not when the whole batch is done. Unset, the
    /// extension's default: batchSize / 2 per processor.
    /// </summary>
    public int? NewBatchThreshold { get; set; }

    public int EffectiveNewBatchThreshold => NewBatchThreshold ?? BatchSize / 2 * Environment.ProcessorCount;

    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>"base64" (the host's default) or "none".</summary>
    public string MessageEncoding { get; set; } = "base64";

    public static QueueHostOptions From(IConfiguration configuration)
    {
        var options = new QueueHostOptions();
        configuration.GetSection("AzureFunctionsJobHost:extensions:queues").Bind(options);
        return options;
    }
}
