using Circly.Core.Maintenance;
using Circly.Core.Notifications;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Notifications;

/// <summary>The per-user daily push cap, counted atomically in PostgreSQL on the user's own calendar day.</summary>
public sealed class DailyCapTests(CirclyStack stack)
{
    // Days in the future: the cleanup timer, which drops ended days, can never take these counters away mid-test.
    private static readonly DateTimeOffset Noon = new(2099, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private NotificationSettingsService Settings => stack.Api.Get<NotificationSettingsService>();

    [Fact]
    public async Task AUserGetsAtMostMaxPerDayPushesADay()
    {
        var user = await UserWithCapAsync(3);

        var allowed = new List<bool>();
        for (var i = 0; i < 5; i++)
        {
            allowed.Add((await Settings.TryConsumeDailyPushAsync([user], Guid.NewGuid(), Noon.AddMinutes(i), CancellationToken.None)).Contains(user.UserId));
        }

        Assert.Equal([true, true, true, false, false], allowed);
    }

    [Fact]
    public async Task TheCapStartsAgainOnTheUsersNextLocalDay()
    {
        // 10:00 UTC is 23:00 in Auckland (UTC+13 in January); 11:30 UTC is already the next day there.
        var user = await UserWithCapAsync(1, "Pacific/Auckland");
        var lateEvening = new DateTimeOffset(2099, 1, 15, 10, 0, 0, TimeSpan.Zero);

        var first = await Settings.TryConsumeDailyPushAsync([user], Guid.NewGuid(), lateEvening, CancellationToken.None);
        var sameDay = await Settings.TryConsumeDailyPushAsync([user], Guid.NewGuid(), lateEvening.AddMinutes(30), CancellationToken.None);
        var nextDay = await Settings.TryConsumeDailyPushAsync([user], Guid.NewGuid(), lateEvening.AddMinutes(90), CancellationToken.None);

        Assert.Contains(user.UserId, first);
        Assert.DoesNotContain(user.UserId, sameDay);
        Assert.Contains(user.UserId, nextDay);
    }

    [Fact]
    public async Task ABatchCountsEachUserAgainstTheirOwnCap()
    {
        var one = await UserWithCapAsync(1);
        var two = await UserWithCapAsync(2);
        var none = await UserWithCapAsync(0);

        var first = await Settings.TryConsumeDailyPushAsync([one, two, none], Guid.NewGuid(), Noon, CancellationToken.None);
        var second = await Settings.TryConsumeDailyPushAsync([one, two, none], Guid.NewGuid(), Noon, CancellationToken.None);

        Assert.Equal(new[] { one.UserId, two.UserId }.Order(), first.Order());
        Assert.Equal([two.UserId], second);
    }

    [Fact]
    public async Task AnEventCountedBeforeIsAllowedAgainWithoutSpendingTheCapTwice()
    {
        var user = await UserWithCapAsync(2);
        var redelivered = Guid.NewGuid();

        var first = await Settings.TryConsumeDailyPushAsync([user], redelivered, Noon, CancellationToken.None);
        var again = await Settings.TryConsumeDailyPushAsync([user], redelivered, Noon.AddMinutes(5), CancellationToken.None);
        var another = await Settings.TryConsumeDailyPushAsync([user], Guid.NewGuid(), Noon.AddMinutes(10), CancellationToken.None);
        var third = await Settings.TryConsumeDailyPushAsync([user], Guid.NewGuid(), Noon.AddMinutes(15), CancellationToken.None);

        // The re-run gets the user back (the claims keep the push single); the cap still has room for one more event.
        Assert.Contains(user.UserId, first);
        Assert.Contains(user.UserId, again);
        Assert.Contains(user.UserId, another);
        Assert.DoesNotContain(user.UserId, third);
    }

    [Fact]
    public async Task ConcurrentBatchesNeverPushAUserPastTheCap()
    {
        var user = await UserWithCapAsync(5);
        var others = new List<DeliveryPreferences>();
        for (var i = 0; i < 3; i++)
        {
            others.Add(await UserWithCapAsync(100));
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Settings.TryConsumeDailyPushAsync(i % 2 == 0 ? [user, .. others] : [.. others.AsEnumerable().Reverse(), user], Guid.NewGuid(), Noon, CancellationToken.None)));

        Assert.Equal(5, results.Count(r => r.Contains(user.UserId)));
        Assert.All(others, o => Assert.Equal(20, results.Count(r => r.Contains(o.UserId))));
    }

    [Fact]
    public async Task AnUnknownUserIsNeverCountedNorAllowed()
    {
        var ghost = new DeliveryPreferences(Guid.NewGuid(), true, true, true, false, new TimeOnly(22, 0), new TimeOnly(7, 0), "UTC", 20);

        var allowed = await Settings.TryConsumeDailyPushAsync([ghost], Guid.NewGuid(), Noon, CancellationToken.None);

        Assert.Empty(allowed);
    }

    [Fact]
    public async Task TheCleanupDropsCountersOfDaysThatHaveEnded()
    {
        var user = await UserWithCapAsync(1);
        var now = DateTimeOffset.UtcNow;
        await Settings.TryConsumeDailyPushAsync([user], Guid.NewGuid(), now.AddDays(-5), CancellationToken.None);
        await Settings.TryConsumeDailyPushAsync([user], Guid.NewGuid(), now, CancellationToken.None);

        await stack.Api.Get<CleanupService>().RunAsync(CancellationToken.None);

        Assert.Contains(user.UserId, await Settings.TryConsumeDailyPushAsync([user], Guid.NewGuid(), now.AddDays(-5), CancellationToken.None));
        Assert.DoesNotContain(user.UserId, await Settings.TryConsumeDailyPushAsync([user], Guid.NewGuid(), now, CancellationToken.None));
    }

    private async Task<DeliveryPreferences> UserWithCapAsync(int maxPerDay, string timeZone = "UTC")
    {
        var session = await stack.Client.NewUserAsync();
        var call = await stack.Client.PutAsync("/v1/notifications/settings", new { maxPerDay, timeZone }, session.AccessToken);
        Assert.True(call.Success, call.RawBody);
        return (await Settings.GetDeliveryPreferencesAsync([session.UserId], CancellationToken.None))[session.UserId];
    }
}
