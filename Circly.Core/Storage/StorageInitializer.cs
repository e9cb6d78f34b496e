using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Circly.Core.Storage;

/// <summary>
/// Creates the queues and containers when missing (Azurite starts empty; in Azure Bicep
/// has made them and this is a no-op). Storage being down does not stop the app from starting.
/// </summary>
internal sealed partial class StorageInitializer(StorageClients storage, ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var work = new List<Task>();
            foreach (var queue in StorageNames.Queues)
            {
                work.Add(storage.Queue(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken));
                work.Add(storage.Queue(StorageNames.PoisonQueueOf(queue)).CreateIfNotExistsAsync(cancellationToken: cancellationToken));
            }
            work.AddRange(StorageNames.Containers.Select(container => storage.Blobs.GetBlobContainerClient(container).CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
            await Task.WhenAll(work);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogUnavailable(logger, exception.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage not ready at start-up, continuing: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
