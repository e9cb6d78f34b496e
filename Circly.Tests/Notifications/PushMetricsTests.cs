using System.Net;
using Circly.Core.Notifications;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Notifications;

/// <summary>The push pipeline's counters (meter Circly.Push), as the app's telemetry exports them.</summary>
[Collection(PushPipelineCollection.Name)]
public sealed class PushMetricsTests(CirclyStack stack, PushStack push)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private ExpoTestServer Expo => push.Expo;

    /// <summary>The push app with its telemetry caught in <paramref name="telemetry"/>.</summary>
    private async Task<TestApp> StartMeasuredAppAsync(TelemetryCapture telemetry)
    {
        var app = await push.StartAppAsync(stack, configureServices: telemetry.AddTo);
        telemetry.Attach(app.Services);
        return app;
    }

    [Fact]
    public async Task PushesSentFailedAndDeviceNotRegisteredAreCountedPerNotification()
    {
        var telemetry = new TelemetryCapture();
        await using var app = await StartMeasuredAppAsync(telemetry);
        var devices = PushStack.NewDevices(3);
        Expo.TicketErrorFor(devices[0].Token);

        await push.EnqueueAsync(PushStack.Batch(devices));

        await Eventually.TrueAsync(() => telemetry.Sum(PushMetrics.Sent) == 2, Wait, "two pushes counted as sent");
        Assert.Equal(1, telemetry.Sum(PushMetrics.Failed, ("outcome", "ticket_error")));
        Assert.Equal(1, telemetry.Sum(PushMetrics.DeviceNotRegistered, ("source", "ticket")));
    }

    [Fact]
    public async Task ASendRetriedAfterAServerErrorIsCountedAsRetried()
    {
        var telemetry = new TelemetryCapture();
        await using var app = await StartMeasuredAppAsync(telemetry);
        var devices = PushStack.NewDevices(4);
        Expo.FailSends(1, 500, devices.Select(d => d.Token));

        await push.EnqueueAsync(PushStack.Batch(devices));

        await Eventually.TrueAsync(() => telemetry.Sum(PushMetrics.Sent) == 4, Wait, "four pushes counted as sent");
        Assert.Equal(4, telemetry.Sum(PushMetrics.Retried, ("kind", "backoff")));
    }

    [Fact]
    public async Task ReceiptsOkAndFailedAreCountedWithExposErrorCode()
    {
        var telemetry = new TelemetryCapture();
        await using var app = await StartMeasuredAppAsync(telemetry);
        var devices = PushStack.NewDevices(2);
        Expo.ReceiptErrorFor(devices[0].Token, "DeviceNotRegistered");
        await push.EnqueueAsync(PushStack.Batch(devices));
        await Eventually.TrueAsync(() => devices.All(d => Expo.Delivered(d.Token).Count > 0), Wait, "both pushes");
        await push.WaitUntilQueueIsEmptyAsync();

        using var response = await app.Client.RunFunctionAsync("CheckPushReceipts");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        // At least: tickets other tests of this collection left unchecked are checked by the same run.
        Assert.True(telemetry.Sum(PushMetrics.ReceiptsOk) >= 1);
        Assert.True(telemetry.Sum(PushMetrics.ReceiptsFailed, ("error", "DeviceNotRegistered")) >= 1);
        Assert.True(telemetry.Sum(PushMetrics.DeviceNotRegistered, ("source", "receipt")) >= 1);
    }
}
