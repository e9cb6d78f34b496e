using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Circly.Tests.Identity;

/// <summary>Each test runs its own app with small limits and a hand-moved clock.</summary>
public sealed class RateLimitTests(CirclyStack stack)
{
    [Fact]
    public async Task TheUserLimitTripsAtTheConfiguredCountAndClearsAfterTheWindow()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(clock, userPerMinute: 5);
        var session = await app.Client.NewUserAsync();

        var allowed = new List<ApiCall>();
        for (var i = 0; i < 5; i++)
        {
            allowed.Add(await app.Client.GetAsync("/v1/users/me", session.AccessToken));
        }
        var refused = await app.Client.GetAsync("/v1/users/me", session.AccessToken);
        clock.Advance(TimeSpan.FromSeconds(61));
        var afterWindow = await app.Client.GetAsync("/v1/users/me", session.AccessToken);

        Assert.All(allowed, call => Assert.Equal(HttpStatusCode.OK, call.Status));
        Assert.Equal("\"user\";r=0", allowed[^1].Header("RateLimit")![..10]);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal(ErrorCodes.RateLimitExceeded, refused.ErrorCode);
        Assert.InRange(int.Parse(refused.Header("Retry-After")!), 1, 60);
        Assert.Equal("\"user\";q=5;w=60", refused.Header("RateLimit-Policy"));
        Assert.Equal(HttpStatusCode.OK, afterWindow.Status);
    }

    [Fact]
    public async Task ConcurrentRequestsAreCountedExactly()
    {
        await using var app = await StartAsync(new ManualClock(DateTimeOffset.UtcNow), userPerMinute: 20);
        var session = await app.Client.NewUserAsync();

        var calls = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => app.Client.GetAsync("/v1/users/me", session.AccessToken)));

        Assert.Equal(20, calls.Count(c => c.Status == HttpStatusCode.OK));
        Assert.Equal(30, calls.Count(c => c.Status == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task LoginIsLimitedPerClientAddress()
    {
        await using var app = await StartAsync(new ManualClock(DateTimeOffset.UtcNow), ipPerMinute: 3);
        var device = Device.New();

        var fromOne = new List<ApiCall>();
        for (var i = 0; i < 4; i++)
        {
            fromOne.Add(await app.Client.PostAsync("/v1/auth/device-login", device.LoginBody(), headers: From("203.0.113.7")));
        }
        var fromAnother = await app.Client.PostAsync("/v1/auth/device-login", device.LoginBody(), headers: From("203.0.113.8"));

        Assert.All(fromOne.Take(3), call => Assert.True(call.Success));
        Assert.Equal(HttpStatusCode.TooManyRequests, fromOne[3].Status);
        Assert.Equal("\"ip\";q=3;w=60", fromOne[3].Header("RateLimit-Policy"));
        Assert.True(fromAnother.Success);
    }

    [Fact]
    public async Task RequestsWithATokenThatDoesNotAuthenticateCountAgainstTheAddress()
    {
        await using var app = await StartAsync(new ManualClock(DateTimeOffset.UtcNow), ipPerMinute: 3);

        var calls = new List<ApiCall>();
        for (var i = 0; i < 4; i++)
        {
            calls.Add(await app.Client.GetAsync("/v1/users/me", token: "not-a-token-" + i, headers: From("203.0.113.9")));
        }

        Assert.All(calls.Take(3), call => Assert.Equal(HttpStatusCode.Unauthorized, call.Status));
        Assert.Equal(HttpStatusCode.TooManyRequests, calls[3].Status);
    }

    [Fact]
    public async Task RegistrationsPerAddressAreLimitedMoreStrictly()
    {
        await using var app = await StartAsync(new ManualClock(DateTimeOffset.UtcNow), registrationsPerHour: 2);
        var known = await app.Client.NewUserAsync();

        var second = await app.Client.PostAsync("/v1/auth/device-login", Device.New().LoginBody());
        var third = await app.Client.PostAsync("/v1/auth/device-login", Device.New().LoginBody());
        var knownAgain = await app.Client.PostAsync("/v1/auth/device-login", known.Device.LoginBody());

        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.Status);
        Assert.Equal("\"registration\";q=2;w=3600", third.Header("RateLimit-Policy"));
        Assert.Equal(HttpStatusCode.OK, knownAgain.Status);
    }

    private static Dictionary<string, string> From(string address) => new() { ["X-Forwarded-For"] = address };

    /// <summary>Its own app and its own addresses, so these counters are nobody else's.</summary>
    private async Task<TestApp> StartAsync(ManualClock clock, int userPerMinute = 100, int ipPerMinute = 100, int registrationsPerHour = 100)
    {
        var settings = stack.Settings();
        settings["RateLimit:UserPerMinute"] = userPerMinute.ToString();
        settings["RateLimit:IpPerMinute"] = ipPerMinute.ToString();
        settings["RateLimit:RegistrationsPerIpPerHour"] = registrationsPerHour.ToString();
        settings["RateLimit:TrustForwardedFor"] = "true";
        var app = await TestApp.StartAsync(settings, configureServices: services => services.AddSingleton<TimeProvider>(clock));
        // Every request of this app comes from an address of its own.
        var unique = Guid.NewGuid().ToString("N");
        app.Client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.51.100.1, 2001:db8:{unique[..4]}:{unique[4..8]}:{unique[8..12]}::1");
        return app;
    }
}
