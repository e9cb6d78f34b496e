using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace Circly.Core.Storage;

/// <summary>
/// Queue and blob clients for the app's storage account, built from the same
/// AzureWebJobsStorage setting the Functions host uses: a connection string locally (Azurite),
/// identity-based service URIs in Azure (AzureWebJobsStorage__queueServiceUri, __clientId, ...).
/// </summary>
public sealed class StorageClients
{
    public const string Setting = "AzureWebJobsStorage";

    public StorageClients(QueueServiceClient queues, BlobServiceClient blobs, QueueServiceClient? rawQueues = null)
    {
        Queues = queues;
        Blobs = blobs;
        RawQueues = rawQueues ?? queues;
    }

    public QueueServiceClient Queues { get; }

    public BlobServiceClient Blobs { get; }

    /// <summary>Queues whose message bodies are moved as they are, without Base64 decoding (poison replay).</summary>
    public QueueServiceClient RawQueues { get; }

    public QueueClient Queue(string name) => Queues.GetQueueClient(name);

    public QueueClient RawQueue(string name) => RawQueues.GetQueueClient(name);

    public static StorageClients FromConfiguration(IConfiguration configuration)
    {
        var queueOptions = Tuned(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var rawQueueOptions = Tuned(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var blobOptions = Tuned(new BlobClientOptions());

        var connectionString = configuration[Setting];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new StorageClients(
                new QueueServiceClient(connectionString, queueOptions),
                new BlobServiceClient(connectionString, blobOptions),
                new QueueServiceClient(connectionString, rawQueueOptions));
        }

        var section = configuration.GetSection(Setting);
        var credential = new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(
            section["clientId"] ?? throw new InvalidOperationException($"{Setting}__clientId is not set.")));
        return new StorageClients(
            new QueueServiceClient(RequiredUri(section, "queueServiceUri"), credential, queueOptions),
            new BlobServiceClient(RequiredUri(section, "blobServiceUri"), credential, blobOptions),
            new QueueServiceClient(RequiredUri(section, "queueServiceUri"), credential, rawQueueOptions));
    }

    // Fail fast when storage is down: the API answers 503 in seconds rather than hang on retries.
    private static T Tuned<T>(T options) where T : ClientOptions
    {
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return options;
    }

    private static Uri RequiredUri(IConfigurationSection section, string key) =>
        new(section[key] ?? throw new InvalidOperationException($"{Setting}__{key} is not set."));
}
