using System.Net;
using Circly.Tests.Identity;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Notifications;

/// <summary>The receipt timer: tickets → Expo's getReceipts → deactivated devices, checked tickets marked.</summary>
[Collection(PushPipelineCollection.Name)]
public sealed class PushReceiptTests(CirclyStack stack, PushStack push)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private ExpoTestServer Expo => push.Expo;

    [Fact]
    public async Task DeviceNotRegisteredInAReceiptDeactivatesTheToken()
    {
        await using var app = await push.StartAppAsync(stack);
        var device = await NewUserWithTokenAsync();
        Expo.ReceiptErrorFor(device.Token, "DeviceNotRegistered");
        await push.EnqueueAsync(PushStack.Batch([device]));
        var ticket = await TicketOfAsync(device.Token);

        await RunReceiptsAsync(app);

        Assert.Contains(Expo.ReceiptCalls, call => call.Ids.Contains(ticket));
        Assert.False(await IsActiveAsync(device.Token));
    }

    [Fact]
    public async Task ReceiptsAreFetchedInCallsOfAtMost1000Ids()
    {
        await using var app = await push.StartAppAsync(stack);
        var devices = PushStack.NewDevices(1200);
        foreach (var batch in devices.Chunk(100))
        {
            await push.EnqueueAsync(PushStack.Batch(batch));
        }
        var tickets = new HashSet<string>();
        await Eventually.TrueAsync(() => devices.All(d => Expo.Delivered(d.Token).Count > 0), TimeSpan.FromSeconds(60), "1200 pushes");
        await push.WaitUntilQueueIsEmptyAsync();
        foreach (var device in devices)
        {
            tickets.Add(Expo.Delivered(device.Token).Single().TicketId!);
        }
        var before = Expo.ReceiptCalls.Count;

        await RunReceiptsAsync(app);

        var calls = Expo.ReceiptCalls.Skip(before).ToList();
        Assert.True(calls.Count >= 2, $"{calls.Count} receipt calls");
        Assert.All(calls, call =>
        {
            Assert.Equal(200, call.Status);
            Assert.InRange(call.Ids.Count, 1, ExpoTestServer.MaxReceiptIdsPerCall);
            Assert.Equal("Bearer " + PushStack.AccessToken, call.Authorization);
        });
        Assert.Subset(calls.SelectMany(c => c.Ids).ToHashSet(), tickets);
    }

    [Fact]
    public async Task ACheckedTicketIsNotAskedForAgainAndOtherReceiptErrorsLeaveTheTokenActive()
    {
        await using var app = await push.StartAppAsync(stack);
        var device = await NewUserWithTokenAsync();
        Expo.ReceiptErrorFor(device.Token, "MessageRateExceeded");
        await push.EnqueueAsync(PushStack.Batch([device]));
        var ticket = await TicketOfAsync(device.Token);

        await RunReceiptsAsync(app);
        await RunReceiptsAsync(app);

        Assert.Single(Expo.ReceiptCalls, call => call.Ids.Contains(ticket));
        Assert.True(await IsActiveAsync(device.Token));
    }

    [Fact]
    public async Task AReceiptNotReadyYetIsAskedForAgainOnTheNextRun()
    {
        await using var app = await push.StartAppAsync(stack);
        var device = PushStack.NewDevices(1)[0];
        Expo.ReceiptNotReadyFor(device.Token);
        await push.EnqueueAsync(PushStack.Batch([device]));
        var ticket = await TicketOfAsync(device.Token);

        await RunReceiptsAsync(app);
        await RunReceiptsAsync(app);

        Assert.Equal(2, Expo.ReceiptCalls.Count(call => call.Ids.Contains(ticket)));
    }

    [Fact]
    public async Task TicketsYoungerThanTheReceiptDelayAreNotAskedForYet()
    {
        var device = PushStack.NewDevices(1)[0];
        string ticket;
        await using (var patient = await push.StartAppAsync(stack, settings => settings["Expo:ReceiptDelay"] = "01:00:00"))
        {
            await push.EnqueueAsync(PushStack.Batch([device]));
            ticket = await TicketOfAsync(device.Token);

            await RunReceiptsAsync(patient);

            Assert.DoesNotContain(Expo.ReceiptCalls, call => call.Ids.Contains(ticket));
        }

        await using var eager = await push.StartAppAsync(stack);
        await RunReceiptsAsync(eager);

        Assert.Contains(Expo.ReceiptCalls, call => call.Ids.Contains(ticket));
    }

    [Fact]
    public async Task AFailedReceiptCallIsRetried()
    {
        await using var app = await push.StartAppAsync(stack);
        var device = await NewUserWithTokenAsync();
        Expo.ReceiptErrorFor(device.Token, "DeviceNotRegistered");
        await push.EnqueueAsync(PushStack.Batch([device]));
        var ticket = await TicketOfAsync(device.Token);
        Expo.FailReceipts(1, 502);

        await RunReceiptsAsync(app);

        Assert.Contains(Expo.ReceiptCalls, call => call.Status == 502);
        Assert.False(await IsActiveAsync(device.Token));
    }

    [Fact]
    public async Task AReceiptRunGivesAnalyticsItsDeliveredAndFailedFiguresOnce()
    {
        await using var app = await push.StartAppAsync(stack);
        var delivered = await NewUserWithTokenAsync();
        var gone = await NewUserWithTokenAsync();
        Expo.ReceiptErrorFor(gone.Token, "DeviceNotRegistered");
        await push.EnqueueAsync(PushStack.Batch([delivered, gone]));
        await TicketOfAsync(delivered.Token);
        await TicketOfAsync(gone.Token);
        var before = await ReceiptFiguresAsync();

        await RunReceiptsAsync(app);

        // This collection runs one test at a time and nothing else runs the receipt timer on the shared database.
        var after = await ReceiptFiguresAsync();
        var written = Assert.Single(after.Skip(before.Count));
        Assert.True(written.Delivered >= 1 && written.Failed >= 1, $"{written.Delivered} delivered, {written.Failed} failed");
    }

    private sealed record ReceiptFigures(int Delivered, int Failed);

    private async Task<List<ReceiptFigures>> ReceiptFiguresAsync()
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        return (await connection.QueryAsync<ReceiptFigures>(
            "SELECT (payload->>'delivered')::int AS delivered, (payload->>'failed')::int AS failed FROM outbox_events WHERE event_type = 'PushReceipts' ORDER BY created_at, id")).ToList();
    }

    /// <summary>Runs the timer function now; DevHost answers once it finished.</summary>
    private static async Task RunReceiptsAsync(TestApp app)
    {
        using var response = await app.Client.RunFunctionAsync("CheckPushReceipts");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>Waits for the push and for its ticket to be stored (the queue message finished).</summary>
    private async Task<string> TicketOfAsync(string token)
    {
        await Eventually.TrueAsync(() => Expo.Delivered(token).Count > 0, Wait, "the push");
        await push.WaitUntilQueueIsEmptyAsync();
        return Expo.Delivered(token).Single().TicketId!;
    }

    private async Task<(Guid UserId, string Token)> NewUserWithTokenAsync()
    {
        var session = await stack.Client.NewUserAsync();
        var token = PushTokenTests.NewExpoToken();
        var call = await stack.Client.PutAsync("/v1/users/me/push-token", new { token }, session.AccessToken);
        Assert.Equal(HttpStatusCode.OK, call.Status);
        return (session.UserId, token);
    }

    private async Task<bool> IsActiveAsync(string token)
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        return await connection.ExecuteScalarAsync<bool>("SELECT is_active FROM push_tokens WHERE token = @token", new { token });
    }
}
