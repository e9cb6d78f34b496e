using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Circly.Core.Notifications;
using Circly.Core.Storage;
using Circly.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Circly.Tests.Notifications;

[CollectionDefinition(Name)]
public sealed class PushPipelineCollection : ICollectionFixture<PushStack>
{
    /// <summary>The push tests share one queue, so they run one after another.</summary>
    public const string Name = "Push pipeline";
}

/// <summary>
/// The push pipeline's own world: an Azurite of its own (its push-batches queue has no other
/// consumer, and its poison messages degrade no one else's health) and the Expo test server. Each
/// test starts the app(s) it needs against the shared PostgreSQL with the settings it needs.
/// </summary>
public sealed class PushStack : IAsyncLifetime
{
    public const string AccessToken = "expo-test-access-token";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public AzuriteServer Azurite { get; private set; } = null!;

    public ExpoTestServer Expo { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var azurite = AzuriteServer.StartPrivateAsync();
        Expo = await ExpoTestServer.StartAsync();
        Azurite = await azurite;
    }

    /// <summary>DevHost with fast queue retries, Expo at the test server, no pacing unless <paramref name="change"/> sets it.</summary>
    public Task<TestApp> StartAppAsync(CirclyStack stack, Action<Dictionary<string, string?>>? change = null, Action<IServiceCollection>? configureServices = null)
    {
        var settings = CirclyStack.Settings(stack.DatabaseConnectionString, Azurite.ConnectionString);
        settings["Database:MigrateOnStartup"] = "false";
        settings["Expo:BaseUrl"] = Expo.BaseAddress.ToString();
        settings["Expo:AccessToken"] = AccessToken;
        settings["Expo:MaxPerSecond"] = "0";
        settings["Expo:RetryBaseDelay"] = "00:00:00.020";
        settings["Expo:ReceiptDelay"] = "00:00:00";
        settings["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00";
        settings["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200";
        change?.Invoke(settings);
        return TestApp.StartAsync(settings, configureServices: configureServices);
    }

    public QueueClient Queue(string name) =>
        new(Azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

    /// <summary>Puts a batch on push-batches as the fan-out does: camelCase JSON, Base64 as the host expects.</summary>
    public async Task EnqueueAsync(PushBatch batch)
    {
        var queue = Queue(StorageNames.PushBatchesQueue);
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(batch, Json))));
    }

    /// <summary>Every message taken off push-batches and finished (deleted or moved to poison).</summary>
    public async Task WaitUntilQueueIsEmptyAsync(TimeSpan? timeout = null)
    {
        var queue = Queue(StorageNames.PushBatchesQueue);
        await Eventually.TrueAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0,
            timeout ?? TimeSpan.FromSeconds(30), "push-batches to be empty");
    }

    public async Task<bool> PoisonHoldsAsync(Guid batchId)
    {
        var poison = Queue(StorageNames.PoisonQueueOf(StorageNames.PushBatchesQueue));
        if (!await poison.ExistsAsync())
        {
            return false;
        }
        var peeked = await poison.PeekMessagesAsync(32);
        return peeked.Value.Any(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Body.ToString())).Contains(batchId.ToString(), StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        if (Expo is not null)
        {
            await Expo.DisposeAsync();
        }
        if (Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }
    }

    /// <summary>A batch of one event for the given devices.</summary>
    public static PushBatch Batch(IEnumerable<(Guid UserId, string Token)> devices, Guid? eventId = null) =>
        new(Guid.NewGuid(), eventId ?? Guid.NewGuid(), devices.Select(d => new PushMessage(d.UserId, d.Token, "New poll in Best Friends",
            "Who has the best laugh?", new Dictionary<string, string> { ["pollId"] = Guid.NewGuid().ToString(), ["type"] = NotificationTypes.PollCreated })).ToList());

    public static string NewToken() => $"ExponentPushToken[{Guid.NewGuid():N}]";

    public static (Guid UserId, string Token)[] NewDevices(int count) =>
        Enumerable.Range(0, count).Select(_ => (Guid.NewGuid(), NewToken())).ToArray();
}
