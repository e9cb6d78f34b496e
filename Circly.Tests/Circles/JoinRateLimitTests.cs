using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Circles;

/// <summary>Guessing invite codes is hopeless: every join attempt counts, per user and per IP. Each test has its own app and addresses.</summary>
public sealed class JoinRateLimitTests(CirclyStack stack)
{
    [Fact]
    public async Task AUserTryingCodesIsStoppedAfterTheHourlyLimitEvenWithTheRightCode()
    {
        await using var app = await StartAsync(perUser: 5, perIp: 1000);
        var owner = await app.Client.NewUserAsync();
        var circle = await app.Client.NewCircleAsync(owner, memberCount: 1);
        var guesser = await app.Client.NewUserAsync();

        var guesses = new List<ApiCall>();
        for (var i = 0; i < 5; i++)
        {
            guesses.Add(await app.Client.PostAsync("/v1/circles/join", new { inviteCode = InviteGuess(i), nickname = "Guesser" }, guesser.AccessToken));
        }
        var rightCodeTooLate = await app.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Guesser" }, guesser.AccessToken);
        var malformed = await app.Client.PostAsync("/v1/circles/join", new { inviteCode = "nope", nickname = "Guesser" }, guesser.AccessToken);
        var someoneElse = await app.Client.NewUserAsync();
        var otherUser = await app.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Friend" }, someoneElse.AccessToken);

        Assert.All(guesses, call => Assert.Equal(ErrorCodes.CircleInvalidCode, call.ErrorCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, rightCodeTooLate.Status);
        Assert.Equal(ErrorCodes.RateLimitExceeded, rightCodeTooLate.ErrorCode);
        Assert.Equal("\"joinUser\";q=5;w=3600", rightCodeTooLate.Header("RateLimit-Policy"));
        Assert.InRange(int.Parse(rightCodeTooLate.Header("Retry-After")!), 1, 3600);
        Assert.Equal(HttpStatusCode.TooManyRequests, malformed.Status);
        Assert.Equal(HttpStatusCode.OK, otherUser.Status);
    }

    [Fact]
    public async Task ManyAccountsFromOneAddressShareTheAddressLimit()
    {
        await using var app = await StartAsync(perUser: 1000, perIp: 4);
        var circle = await app.Client.NewCircleAsync(await app.Client.NewUserAsync(), memberCount: 1);
        var accounts = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => app.Client.NewUserAsync()));

        var calls = new List<ApiCall>();
        foreach (var account in accounts)
        {
            calls.Add(await app.Client.PostAsync("/v1/circles/join", new { inviteCode = InviteGuess(calls.Count), nickname = "Guesser" }, account.AccessToken));
        }
        var fromElsewhere = await app.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Friend" }, accounts[0].AccessToken,
            headers: new Dictionary<string, string> { ["X-Forwarded-For"] = "203.0.113.99" });

        Assert.All(calls.Take(4), call => Assert.Equal(ErrorCodes.CircleInvalidCode, call.ErrorCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, calls[4].Status);
        Assert.Equal("\"joinIp\";q=4;w=3600", calls[4].Header("RateLimit-Policy"));
        Assert.Equal(HttpStatusCode.OK, fromElsewhere.Status);
    }

    [Fact]
    public async Task TheInvitePageCountsAgainstTheAddressLimitAndSaysSoKindly()
    {
        await using var app = await StartAsync(perUser: 1000, perIp: 2);
        var circle = await app.Client.NewCircleAsync(await app.Client.NewUserAsync(), memberCount: 1);

        var pages = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            pages.Add(await app.Client.Http.GetAsync($"/join/{circle.InviteCode}"));
        }

        Assert.Equal(HttpStatusCode.OK, pages[0].StatusCode);
        Assert.Equal(HttpStatusCode.OK, pages[1].StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, pages[2].StatusCode);
        Assert.Equal("text/html", pages[2].Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many tries", await pages[2].Content.ReadAsStringAsync());
        Assert.True(pages[2].Headers.RetryAfter is not null);
    }

    /// <summary>A well-formed code that is (almost surely) nobody's: 25^8 codes, a handful of circles.</summary>
    private static string InviteGuess(int i) => "ACDEFGH" + "JKMNPQRTUVWXY"[i];

    private async Task<TestApp> StartAsync(int perUser, int perIp)
    {
        var settings = stack.Settings();
        settings["RateLimit:JoinAttemptsPerUserPerHour"] = perUser.ToString();
        settings["RateLimit:JoinAttemptsPerIpPerHour"] = perIp.ToString();
        settings["RateLimit:TrustForwardedFor"] = "true";
        var app = await TestApp.StartAsync(settings);
        // Every request of this app comes from an address of its own (unless a test says otherwise).
        var unique = Guid.NewGuid().ToString("N");
        app.Client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.51.100.1, 2001:db8:{unique[..4]}:{unique[4..8]}:{unique[8..12]}::1");
        return app;
    }
}
