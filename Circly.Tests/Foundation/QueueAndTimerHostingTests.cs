using System.Text;
using Azure.Storage.Queues;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Foundation;

/// <summary>DevHost runs queue and timer functions by the Functions host's rules.</summary>
public sealed class QueueAndTimerHostingTests(CirclyStack stack) : IAsyncLifetime
{
    private TestApp _probe = null!;

    public async ValueTask InitializeAsync() => _probe = await ProbeApp.StartAsync(stack, runQueues: true);

    public async ValueTask DisposeAsync() => await _probe.DisposeAsync();

    [Fact]
    public async Task AMessageThatAlwaysFailsIsTriedFiveTimesThenMovedToThePoisonQueue()
    {
        var message = $"always-fails-{Guid.NewGuid():N}";
        var poison = Queue(ProbeQueueFunctions.FailingQueue + "-poison");
        await poison.CreateIfNotExistsAsync();

        await Queue(ProbeQueueFunctions.FailingQueue).SendMessageAsync(Base64(message));

        await Eventually.TrueAsync(async () => await PoisonHoldsAsync(poison, message), TimeSpan.FromSeconds(60), "the message to reach the poison queue");
        Assert.Equal(5, ProbeQueueFunctions.Attempts[message]);
    }

    [Fact]
    public async Task ABase64MessageIsDecodedHandledOnceAndDeleted()
    {
        var message = $"works-{Guid.NewGuid():N} ✓";
        var queue = Queue(ProbeQueueFunctions.WorkingQueue);
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync(Base64(message));

        await Eventually.TrueAsync(() => ProbeQueueFunctions.Handled.ContainsKey(message), TimeSpan.FromSeconds(30), "the message to be handled");
        Assert.Equal(1, ProbeQueueFunctions.Handled[message]);
    }

    [Fact]
    public async Task ATimerRunsOnTheScheduleItsSettingNames()
    {
        var before = Volatile.Read(ref ProbeTimerFunctions.Runs);

        await Eventually.TrueAsync(() => Volatile.Read(ref ProbeTimerFunctions.Runs) >= before + 2, TimeSpan.FromSeconds(10), "two timer runs");
    }

    private QueueClient Queue(string name) =>
        new(stack.Azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static async Task<bool> PoisonHoldsAsync(QueueClient poison, string message)
    {
        var peeked = await poison.PeekMessagesAsync(32);
        return peeked.Value.Any(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Body.ToString())) == message);
    }
}
