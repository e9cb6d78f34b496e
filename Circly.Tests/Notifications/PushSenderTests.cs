using System.Net;
using System.Text.Json;
using Circly.Core.Notifications;
using Circly.Core.Storage;
using Circly.Tests.Identity;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Notifications;

/// <summary>push-batches → the push sender → Expo (the test server), under the host's queue rules.</summary>
[Collection(PushPipelineCollection.Name)]
public sealed class PushSenderTests(CirclyStack stack, PushStack push)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private ExpoTestServer Expo => push.Expo;

    [Fact]
    public async Task PushesGoOnlyToTheGivenDevicesWithThePayloadAndTheAccessToken()
    {
        await using var app = await push.StartAppAsync(stack);
        var devices = PushStack.NewDevices(3);
        var batch = PushStack.Batch(devices);

        await push.EnqueueAsync(batch);

        await WaitDeliveredAsync(devices);
        var call = Assert.Single(Expo.SendsTo(Tokens(devices)));
        Assert.Equal("Bearer " + PushStack.AccessToken, call.Authorization);
        Assert.Equal(Tokens(devices).Order(), call.Messages.Select(m => m.To).Order());
        foreach (var message in call.Messages)
        {
            var sent = batch.Messages.Single(m => m.Token == message.To);
            Assert.Equal(sent.Title, message.Title);
            Assert.Equal(sent.Body, message.Body);
            Assert.Equal(sent.Data, message.Data);
            Assert.Equal("default", message.Sound);
            Assert.Equal("high", message.Priority);
        }
    }

    [Fact]
    public async Task NoAuthorizationHeaderGoesToExpoWhenTheAccessTokenIsBlank()
    {
        await using var app = await push.StartAppAsync(stack, settings => settings["Expo:AccessToken"] = " ");
        var devices = PushStack.NewDevices(1);

        await push.EnqueueAsync(PushStack.Batch(devices));

        await WaitDeliveredAsync(devices);
        Assert.Null(Assert.Single(Expo.SendsTo(Tokens(devices))).Authorization);
    }

    [Fact]
    public async Task AServerErrorIsRetriedAndTheBatchIsDeliveredExactlyOnce()
    {
        await using var app = await push.StartAppAsync(stack);
        var devices = PushStack.NewDevices(4);
        Expo.FailSends(1, 500, Tokens(devices));

        await push.EnqueueAsync(PushStack.Batch(devices));

        await WaitDeliveredAsync(devices);
        await push.WaitUntilQueueIsEmptyAsync();
        Assert.Equal([500, 200], Expo.SendsTo(Tokens(devices)).Select(c => c.Status));
        Assert.All(devices, d => Assert.Single(Expo.Delivered(d.Token)));
    }

    [Fact]
    public async Task ATooManyRequestsAnswerIsRetriedAfterItsRetryAfter()
    {
        await using var app = await push.StartAppAsync(stack);
        var devices = PushStack.NewDevices(2);
        Expo.FailSends(1, 429, Tokens(devices), retryAfter: TimeSpan.FromSeconds(1));

        await push.EnqueueAsync(PushStack.Batch(devices));

        await WaitDeliveredAsync(devices);
        var calls = Expo.SendsTo(Tokens(devices));
        Assert.Equal([429, 200], calls.Select(c => c.Status));
        // The back-off in these tests is 20 ms; only Retry-After explains a second's wait.
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromMilliseconds(950), $"retried after {(calls[1].At - calls[0].At).TotalMilliseconds} ms");
        Assert.All(devices, d => Assert.Single(Expo.Delivered(d.Token)));
    }

    [Fact]
    public async Task ABadRequestIsNotRetriedAndTheMessageCompletes()
    {
        await using var app = await push.StartAppAsync(stack);
        var devices = PushStack.NewDevices(2);
        Expo.FailSends(10, 400, Tokens(devices));
        var batch = PushStack.Batch(devices);

        await push.EnqueueAsync(batch);

        await Eventually.TrueAsync(() => Expo.SendsTo(Tokens(devices)).Count > 0, Wait, "the call to Expo");
        await push.WaitUntilQueueIsEmptyAsync();
        Assert.Equal([400], Expo.SendsTo(Tokens(devices)).Select(c => c.Status));
        Assert.False(await push.PoisonHoldsAsync(batch.BatchId));
    }

    [Fact]
    public async Task ADuplicatedQueueMessageSendsNothingTwice()
    {
        await using var app = await push.StartAppAsync(stack);
        var devices = PushStack.NewDevices(5);
        var batch = PushStack.Batch(devices);

        await push.EnqueueAsync(batch);
        await push.EnqueueAsync(batch);

        await WaitDeliveredAsync(devices);
        await push.WaitUntilQueueIsEmptyAsync();
        Assert.Single(Expo.SendsTo(Tokens(devices)));
        Assert.All(devices, d => Assert.Single(Expo.Delivered(d.Token)));
    }

    [Fact]
    public async Task AnEventBatchedAgainSendsOnlyToDevicesNotPushedYet()
    {
        await using var app = await push.StartAppAsync(stack);
        var devices = PushStack.NewDevices(6);
        var eventId = Guid.NewGuid();
        await push.EnqueueAsync(PushStack.Batch(devices[..3], eventId));
        await WaitDeliveredAsync(devices[..3]);

        // The fan-out retried after a crash and batched the whole event again, under new batch ids.
        await push.EnqueueAsync(PushStack.Batch(devices, eventId));

        await WaitDeliveredAsync(devices);
        await push.WaitUntilQueueIsEmptyAsync();
        var calls = Expo.SendsTo(Tokens(devices));
        Assert.Equal(2, calls.Count);
        Assert.Equal(Tokens(devices[3..]).Order(), calls[1].Messages.Select(m => m.To).Order());
        Assert.All(devices, d => Assert.Single(Expo.Delivered(d.Token)));
    }

    [Fact]
    public async Task ABatchThatFailsHalfwayIsRetriedForItsUnsentPartOnly()
    {
        // Two notifications per second: the batch goes out in parts, and Expo fails from the second part on.
        await using var app = await push.StartAppAsync(stack, settings => settings["Expo:MaxPerSecond"] = "2");
        var devices = PushStack.NewDevices(4);
        Expo.FailSends(3, 503, Tokens(devices[2..]));

        await push.EnqueueAsync(PushStack.Batch(devices));

        await WaitDeliveredAsync(devices);
        await push.WaitUntilQueueIsEmptyAsync();
        var calls = Expo.SendsTo(Tokens(devices));
        Assert.Equal(3, calls.Count(c => c.Status == 503));
        Assert.All(devices, d => Assert.Single(Expo.Delivered(d.Token)));
        // What went out before the failures was not sent again by the queue's retry.
        var firstFailure = calls.First(c => c.Status == 503).At;
        var sentBefore = calls.Where(c => c.Status == 200 && c.At < firstFailure).SelectMany(c => c.Messages).Select(m => m.To).ToHashSet();
        Assert.NotEmpty(sentBefore);
        Assert.DoesNotContain(calls.Where(c => c.At > firstFailure).SelectMany(c => c.Messages), m => sentBefore.Contains(m.To));
    }

    [Fact]
    public async Task ACallThatTimesOutIsNotRepeatedBecauseExpoMayHaveSentIt()
    {
        await using var app = await push.StartAppAsync(stack, settings => settings["Expo:RequestTimeout"] = "00:00:00.500");
        var devices = PushStack.NewDevices(2);
        Expo.DelaySends(1, TimeSpan.FromSeconds(2), Tokens(devices));
        var batch = PushStack.Batch(devices);

        await push.EnqueueAsync(batch);

        await Eventually.TrueAsync(() => Expo.SendsTo(Tokens(devices)).Count > 0, Wait, "the slow call to arrive");
        await push.WaitUntilQueueIsEmptyAsync();
        Assert.Single(Expo.SendsTo(Tokens(devices)));
        Assert.False(await push.PoisonHoldsAsync(batch.BatchId));
    }

    [Fact]
    public async Task DeviceNotRegisteredInATicketDeactivatesThatTokenAtOnce()
    {
        await using var app = await push.StartAppAsync(stack);
        var gone = await NewUserWithTokenAsync();
        var fine = await NewUserWithTokenAsync();
        Expo.TicketErrorFor(gone.Token);

        await push.EnqueueAsync(PushStack.Batch([gone, fine]));

        await Eventually.TrueAsync(async () => !(await TokenStateAsync(gone.Token)).IsActive, Wait, "the token to be deactivated");
        Assert.NotNull((await TokenStateAsync(gone.Token)).DeactivatedAt);
        Assert.True((await TokenStateAsync(fine.Token)).IsActive);
        Assert.Single(Expo.Delivered(fine.Token));
    }

    [Fact]
    public async Task ABatchOfMoreThan100MessagesGoesToThePoisonQueueUnsent()
    {
        await using var app = await push.StartAppAsync(stack);
        var devices = PushStack.NewDevices(101);
        var batch = PushStack.Batch(devices);

        await push.EnqueueAsync(batch);

        await Eventually.TrueAsync(() => push.PoisonHoldsAsync(batch.BatchId), Wait, "the batch to reach push-batches-poison");
        Assert.Empty(Expo.SendsTo(Tokens(devices)));
    }

    [Fact]
    public async Task AMessageThatAlwaysFailsEndsInThePoisonQueueAndTheDetailedHealthShowsIt()
    {
        await using var app = await push.StartAppAsync(stack);
        var devices = PushStack.NewDevices(2);
        Expo.FailSends(int.MaxValue, 500, Tokens(devices));
        var batch = PushStack.Batch(devices);

        await push.EnqueueAsync(batch);

        await Eventually.TrueAsync(() => push.PoisonHoldsAsync(batch.BatchId), TimeSpan.FromSeconds(60), "the batch to reach push-batches-poison");
        // maxDequeueCount (5) deliveries, each with Expo:SendAttempts (3) calls.
        Assert.Equal(15, Expo.SendsTo(Tokens(devices)).Count);
        var health = await app.Client.GetWithFunctionKeyAsync("/health/detailed");
        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.Equal("degraded", health.Data.GetProperty("status").GetString());
        Assert.True(health.Data.GetProperty("queues").GetProperty(StorageNames.PushBatchesQueue).GetProperty("poisonMessages").GetInt32() >= 1);
    }

    [Fact]
    public void TheQueueFormatIsCamelCaseJsonAndRefusesMoreThan100Messages()
    {
        var batch = PushStack.Batch(PushStack.NewDevices(1));

        using var json = JsonDocument.Parse(PushBatches.Serialize(batch));

        Assert.Equal(batch.BatchId, json.RootElement.GetProperty("batchId").GetGuid());
        Assert.Equal(batch.EventId, json.RootElement.GetProperty("eventId").GetGuid());
        var message = json.RootElement.GetProperty("messages")[0];
        Assert.Equal(batch.Messages[0].Token, message.GetProperty("token").GetString());
        Assert.Equal(batch.Messages[0].UserId, message.GetProperty("userId").GetGuid());
        var parsed = PushBatches.Parse(json.RootElement.GetRawText());
        Assert.Equal((batch.BatchId, batch.EventId), (parsed.BatchId, parsed.EventId));
        Assert.Equal(batch.Messages[0].Data, parsed.Messages[0].Data);
        Assert.Throws<InvalidPushBatchException>(() => PushBatches.Serialize(PushStack.Batch(PushStack.NewDevices(101))));
    }

    private async Task WaitDeliveredAsync(IEnumerable<(Guid UserId, string Token)> devices)
    {
        var tokens = Tokens(devices);
        await Eventually.TrueAsync(() => tokens.All(t => Expo.Delivered(t).Count > 0), Wait, "every device to get its push");
    }

    private static string[] Tokens(IEnumerable<(Guid UserId, string Token)> devices) => devices.Select(d => d.Token).ToArray();

    private async Task<(Guid UserId, string Token)> NewUserWithTokenAsync()
    {
        var session = await stack.Client.NewUserAsync();
        var token = PushTokenTests.NewExpoToken();
        var call = await stack.Client.PutAsync("/v1/users/me/push-token", new { token }, session.AccessToken);
        Assert.Equal(HttpStatusCode.OK, call.Status);
        return (session.UserId, token);
    }

    private async Task<(bool IsActive, DateTime? DeactivatedAt)> TokenStateAsync(string token)
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        return await connection.QuerySingleAsync<(bool, DateTime?)>("SELECT is_active, deactivated_at FROM push_tokens WHERE token = @token", new { token });
    }
}
