using System.Net;
using Azure.Storage.Queues;
using Circly.Core.Errors;
using Circly.Core.Storage;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Operations;

/// <summary>
/// The poison replay (POST /v1/ops/queues/{queue}/replay-poison, master key) against a real Azurite
/// whose queues nobody consumes: every poison message goes back to its queue once, never twice.
/// </summary>
[Collection(OperationsCollection.Name)]
public sealed class PoisonReplayTests(OperationsStack ops)
{
    private const string Queue = StorageNames.OutboxEventsQueue;

    [Fact]
    public async Task PoisonMessagesMoveBackOnceWithTheirBodiesAndASecondRunMovesNothing()
    {
        var bodies = Enumerable.Range(0, 40).Select(i => Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + i).ToList();
        await ClearAsync();
        foreach (var body in bodies)
        {
            await Raw(StorageNames.PoisonQueueOf(Queue)).SendMessageAsync(body);
        }

        var first = await ReplayAsync();
        var second = await ReplayAsync();

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(40, first.Data.GetProperty("moved").GetInt32());
        Assert.Equal(0, first.Data.GetProperty("leftInPoison").GetInt32());
        Assert.Equal(0, second.Data.GetProperty("moved").GetInt32());
        Assert.Equal(bodies.Order(), (await DrainAsync(Queue)).Order());
    }

    [Fact]
    public async Task TwoRunsAtOnceMoveEachMessageOnce()
    {
        await ClearAsync();
        var bodies = Enumerable.Range(0, 60).Select(i => $"message-{i}-{Guid.NewGuid():N}").ToList();
        foreach (var body in bodies)
        {
            await Raw(StorageNames.PoisonQueueOf(Queue)).SendMessageAsync(body);
        }

        var runs = await Task.WhenAll(ReplayAsync(), ReplayAsync());

        Assert.Equal(60, runs.Sum(run => run.Data.GetProperty("moved").GetInt32()));
        Assert.Equal(bodies.Order(), (await DrainAsync(Queue)).Order());
    }

    [Fact]
    public async Task MaxLimitsARunAndTheRestStaysForTheNext()
    {
        await ClearAsync();
        for (var i = 0; i < 5; i++)
        {
            await Raw(StorageNames.PoisonQueueOf(Queue)).SendMessageAsync($"limited-{i}");
        }

        var first = await ReplayAsync("?max=3");
        var second = await ReplayAsync();

        Assert.Equal(3, first.Data.GetProperty("moved").GetInt32());
        Assert.Equal(2, first.Data.GetProperty("leftInPoison").GetInt32());
        Assert.Equal(2, second.Data.GetProperty("moved").GetInt32());
        Assert.Equal(5, (await DrainAsync(Queue)).Count);
    }

    [Theory]
    [InlineData("/v1/ops/queues/no-such-queue/replay-poison", ErrorCodes.ValidationInvalidFormat)]
    [InlineData("/v1/ops/queues/outbox-events/replay-poison?max=0", ErrorCodes.ValidationOutOfRange)]
    [InlineData("/v1/ops/queues/outbox-events/replay-poison?max=many", ErrorCodes.ValidationInvalidFormat)]
    public async Task BadInputIsA400(string path, string code)
    {
        var call = await ops.Client.PostAsync(path, headers: MasterKey());

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(code, call.ErrorCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("function")]
    public async Task OnlyTheMasterKeyMayReplay(string? key)
    {
        var headers = key is null ? null : new Dictionary<string, string> { ["x-functions-key"] = TestSecrets.FunctionKey };

        var call = await ops.Client.PostAsync($"/v1/ops/queues/{Queue}/replay-poison", headers: headers);

        Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
    }

    private Task<ApiCall> ReplayAsync(string query = "") =>
        ops.Client.PostAsync($"/v1/ops/queues/{Queue}/replay-poison{query}", headers: MasterKey());

    private static Dictionary<string, string> MasterKey() => new() { ["x-functions-key"] = TestSecrets.MasterKey };

    private QueueClient Raw(string name) => new(ops.Azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

    private async Task ClearAsync()
    {
        await Raw(Queue).ClearMessagesAsync();
        await Raw(StorageNames.PoisonQueueOf(Queue)).ClearMessagesAsync();
    }

    private async Task<List<string>> DrainAsync(string queue)
    {
        var bodies = new List<string>();
        while (true)
        {
            var batch = (await Raw(queue).ReceiveMessagesAsync(32)).Value;
            if (batch.Length == 0)
            {
                return bodies;
            }
            foreach (var message in batch)
            {
                bodies.Add(message.Body.ToString());
                await Raw(queue).DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }
}
