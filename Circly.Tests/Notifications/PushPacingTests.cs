using Circly.Tests.Infrastructure;

namespace Circly.Tests.Notifications;

/// <summary>Expo's per-second limit holds for the app as a whole, however many instances send.</summary>
[Collection(PushPipelineCollection.Name)]
public sealed class PushPacingTests(CirclyStack stack, PushStack push)
{
    private const int PerSecond = 50;

    [Fact]
    public async Task TwoInstancesSendingAtOnceStayUnderMaxPerSecondTogether()
    {
        // One message at a time per instance, so that both instances take part; each sends with its
        // own access token so the test server can tell them apart.
        await using var first = await push.StartAppAsync(stack, settings => Pace(settings, "instance-a"));
        await using var second = await push.StartAppAsync(stack, settings => Pace(settings, "instance-b"));
        var devices = PushStack.NewDevices(300);
        var tokens = devices.Select(d => d.Token).ToArray();

        foreach (var batch in devices.Chunk(50))
        {
            await push.EnqueueAsync(PushStack.Batch(batch));
        }

        await Eventually.TrueAsync(() => tokens.All(t => push.Expo.Delivered(t).Count > 0), TimeSpan.FromSeconds(60), "300 paced pushes");
        var perSecondSeen = push.Expo.PerSecond(tokens);
        Assert.True(perSecondSeen.Values.Max() <= PerSecond, $"{perSecondSeen.Values.Max()} notifications arrived in one second");
        Assert.True(perSecondSeen.Count >= 6, $"300 notifications arrived within {perSecondSeen.Count} seconds");
        var calls = push.Expo.SendsTo(tokens);
        // Six seconds' budgets: from the first second's to the sixth's, whatever the phase, more than four seconds pass.
        Assert.True(calls[^1].At - calls[0].At > TimeSpan.FromSeconds(4), $"first to last call took {(calls[^1].At - calls[0].At).TotalSeconds:0.0} s");
        Assert.Equal(["Bearer instance-a", "Bearer instance-b"], calls.Select(c => c.Authorization).Distinct().Order());
        Assert.All(calls, c => Assert.Equal(200, c.Status));
        Assert.All(tokens, t => Assert.Single(push.Expo.Delivered(t)));
    }

    private static void Pace(Dictionary<string, string?> settings, string accessToken)
    {
        settings["Expo:MaxPerSecond"] = PerSecond.ToString();
        settings["Expo:PacingMargin"] = "00:00:00.250";
        settings["Expo:AccessToken"] = accessToken;
        settings["AzureFunctionsJobHost:extensions:queues:batchSize"] = "1";
    }
}
