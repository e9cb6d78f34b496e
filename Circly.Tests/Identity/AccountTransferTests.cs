using System.Net;
using System.Text.RegularExpressions;
using Circly.Core.Auth;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Circly.Tests.Identity;

/// <summary>A new phone for an old account: POST /v1/auth/transfer-code on the old phone, POST /v1/auth/transfer on the new one.</summary>
public sealed partial class AccountTransferTests(CirclyStack stack)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheNewPhoneGetsTheOldAccountWithItsCirclesAndTheOldPhoneIsSignedOut()
    {
        var old = await stack.Client.NewUserAsync();
        var earlierLogin = await stack.Client.NewUserAsync(old.Device);
        var circle = await stack.Client.NewCircleAsync(old, memberCount: 3, name: "Chess club");
        var pushToken = PushTokenTests.NewExpoToken();
        await stack.Client.PutAsync("/v1/users/me/push-token", new { token = pushToken }, old.AccessToken);
        var code = await TransferCodeAsync(stack.Client, old);
        var newPhone = Device.New();

        var moved = await stack.Client.PostAsync("/v1/auth/transfer", Redeem(code, newPhone));

        Assert.Equal(HttpStatusCode.OK, moved.Status);
        Assert.Equal(old.UserId, moved.Data.GetProperty("user").GetProperty("id").GetGuid());
        Assert.False(moved.Data.GetProperty("isNewUser").GetBoolean());
        Assert.Equal("android", moved.Data.GetProperty("user").GetProperty("platform").GetString());
        var newAccess = moved.Data.GetProperty("accessToken").GetString()!;
        var myCircle = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", newAccess);
        Assert.Equal(HttpStatusCode.OK, myCircle.Status);
        Assert.Equal("Member 1", myCircle.Data.GetProperty("me").GetProperty("nickname").GetString());
        Assert.Equal("owner", myCircle.Data.GetProperty("me").GetProperty("role").GetString());
        Assert.Contains(circle.Id, (await stack.Client.GetAsync("/v1/circles", newAccess)).Data.EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));

        // The old phone: its unexpired access tokens, the refresh tokens of both its logins, its push token.
        foreach (var accessToken in new[] { old.AccessToken, earlierLogin.AccessToken })
        {
            var call = await stack.Client.GetAsync("/v1/users/me", accessToken);
            Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
            Assert.Equal(ErrorCodes.AuthInvalidToken, call.ErrorCode);
        }
        foreach (var refreshToken in new[] { old.RefreshToken, earlierLogin.RefreshToken })
        {
            var call = await stack.Client.PostAsync("/v1/auth/refresh", new { refreshToken });
            Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
            Assert.Equal(ErrorCodes.AuthInvalidToken, call.ErrorCode);
        }
        Assert.Equal([(old.UserId, false)], await PushTokenOwnersAsync(pushToken));
    }

    [Fact]
    public async Task TheAccountIsBoundToTheNewDeviceAndTheOldDeviceIsFreed()
    {
        var old = await stack.Client.NewUserAsync();
        var newPhone = Device.New();
        var moved = await stack.Client.PostAsync("/v1/auth/transfer", Redeem(await TransferCodeAsync(stack.Client, old), newPhone));

        var refreshed = await stack.Client.PostAsync("/v1/auth/refresh", new { refreshToken = moved.Data.GetProperty("refreshToken").GetString() });
        var newPhoneLogin = await stack.Client.PostAsync("/v1/auth/device-login", newPhone.LoginBody());
        var oldPhoneLogin = await stack.Client.PostAsync("/v1/auth/device-login", old.Device.LoginBody());

        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.Equal(HttpStatusCode.OK, (await stack.Client.GetAsync("/v1/users/me", refreshed.Data.GetProperty("accessToken").GetString())).Status);
        Assert.Equal(HttpStatusCode.OK, newPhoneLogin.Status);
        Assert.Equal(old.UserId, newPhoneLogin.Data.GetProperty("user").GetProperty("id").GetGuid());
        // The old phone, perhaps handed down to a sibling, starts a new, empty account.
        Assert.Equal(HttpStatusCode.Created, oldPhoneLogin.Status);
        Assert.NotEqual(old.UserId, oldPhoneLogin.Data.GetProperty("user").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task ACodeIsTwelveReadableCharactersInGroupsAndMayBeTypedInAnyCaseWithSpaces()
    {
        var old = await stack.Client.NewUserAsync();
        var issued = await stack.Client.PostAsync("/v1/auth/transfer-code", OldPhoneProof(old), old.AccessToken);
        var code = issued.Data.GetProperty("transferCode").GetString()!;

        var moved = await stack.Client.PostAsync("/v1/auth/transfer", Redeem(" " + code.Replace('-', ' ').ToLowerInvariant() + " ", Device.New()));

        Assert.Equal(HttpStatusCode.Created, issued.Status);
        Assert.Matches(CodeShape(), code);
        Assert.Equal(600, issued.Data.GetProperty("expiresIn").GetInt32());
        Assert.Equal(HttpStatusCode.OK, moved.Status);
    }

    [Fact]
    public async Task AUsedCodeCannotBeUsedAgain()
    {
        var old = await stack.Client.NewUserAsync();
        var code = await TransferCodeAsync(stack.Client, old);
        var newPhone = Device.New();
        await stack.Client.PostAsync("/v1/auth/transfer", Redeem(code, newPhone));

        var again = await stack.Client.PostAsync("/v1/auth/transfer", Redeem(code, Device.New()));

        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal(ErrorCodes.AuthTransferCodeUsed, again.ErrorCode);
        Assert.Equal(old.UserId, (await stack.Client.NewUserAsync(newPhone)).UserId);
    }

    [Fact]
    public async Task AskingAgainReplacesTheEarlierCode()
    {
        var old = await stack.Client.NewUserAsync();
        var first = await TransferCodeAsync(stack.Client, old);
        var second = await TransferCodeAsync(stack.Client, old);

        var withFirst = await stack.Client.PostAsync("/v1/auth/transfer", Redeem(first, Device.New()));
        var withSecond = await stack.Client.PostAsync("/v1/auth/transfer", Redeem(second, Device.New()));

        Assert.Equal(ErrorCodes.AuthTransferCodeInvalid, withFirst.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, withSecond.Status);
    }

    [Fact]
    public async Task AnExpiredCodeGetsExactlyTheAnswerOfAWrongOneAndMovesNothing()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(clock);
        var old = await app.Client.NewUserAsync();
        var code = await TransferCodeAsync(app.Client, old);
        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        var expired = await app.Client.PostAsync("/v1/auth/transfer", Redeem(code, Device.New()));
        var wrong = await app.Client.PostAsync("/v1/auth/transfer", Redeem(TransferCodes.Display(TransferCodes.New()), Device.New()));

        Assert.Equal(HttpStatusCode.NotFound, expired.Status);
        Assert.Equal(ErrorCodes.AuthTransferCodeInvalid, expired.ErrorCode);
        Assert.Equal((wrong.Status, wrong.ErrorCode, wrong.ErrorMessage), (expired.Status, expired.ErrorCode, expired.ErrorMessage));
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/v1/users/me", old.AccessToken)).Status);
    }

    [Fact]
    public async Task GuessingRunsIntoTheLimitAndAfterItEvenTheRightCodeIsRefusedFromThatAddress()
    {
        await using var app = await StartAsync(new ManualClock(DateTimeOffset.UtcNow), transferAttemptsPerHour: 5);
        var old = await app.Client.NewUserAsync();
        var code = await TransferCodeAsync(app.Client, old);
        var attacker = From("203.0.113.20");

        var guesses = new List<ApiCall>();
        for (var i = 0; i < 5; i++)
        {
            guesses.Add(await app.Client.PostAsync("/v1/auth/transfer", Redeem(TransferCodes.Display(TransferCodes.New()), Device.New()), headers: attacker));
        }
        var rightCodeFromThere = await app.Client.PostAsync("/v1/auth/transfer", Redeem(code, Device.New()), headers: attacker);
        var rightCodeElsewhere = await app.Client.PostAsync("/v1/auth/transfer", Redeem(code, Device.New()), headers: From("203.0.113.21"));

        Assert.All(guesses, guess => Assert.Equal(ErrorCodes.AuthTransferCodeInvalid, guess.ErrorCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, rightCodeFromThere.Status);
        Assert.Equal("\"transferIp\";q=5;w=3600", rightCodeFromThere.Header("RateLimit-Policy"));
        Assert.NotNull(rightCodeFromThere.Header("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, rightCodeElsewhere.Status);
    }

    [Fact]
    public async Task AskingForCodesIsLimitedPerUser()
    {
        // A clock that stands still: the six requests cannot straddle the start of a new window.
        await using var app = await StartAsync(new ManualClock(DateTimeOffset.UtcNow));
        var old = await app.Client.NewUserAsync();

        var calls = new List<ApiCall>();
        for (var i = 0; i < 6; i++)
        {
            calls.Add(await app.Client.PostAsync("/v1/auth/transfer-code", OldPhoneProof(old), old.AccessToken));
        }

        Assert.All(calls.Take(5), call => Assert.Equal(HttpStatusCode.Created, call.Status));
        Assert.Equal(HttpStatusCode.TooManyRequests, calls[5].Status);
        Assert.Equal("\"transferCode\";q=5;w=3600", calls[5].Header("RateLimit-Policy"));
    }

    [Fact]
    public async Task AStolenAccessTokenAloneCannotAskForACode()
    {
        var old = await stack.Client.NewUserAsync();
        var someoneElse = await stack.Client.NewUserAsync();

        var wrongSecret = await stack.Client.PostAsync("/v1/auth/transfer-code",
            new { deviceId = old.Device.DeviceId, deviceSecret = Device.New().DeviceSecret }, old.AccessToken);
        var otherDevice = await stack.Client.PostAsync("/v1/auth/transfer-code", OldPhoneProof(someoneElse), old.AccessToken);
        var noProof = await stack.Client.PostAsync("/v1/auth/transfer-code", new { }, old.AccessToken);

        Assert.Equal(ErrorCodes.AuthInvalidCredentials, wrongSecret.ErrorCode);
        Assert.Equal(ErrorCodes.AuthInvalidCredentials, otherDevice.ErrorCode);
        Assert.Equal(ErrorCodes.ValidationRequired, noProof.ErrorCode);
    }

    [Fact]
    public async Task ABannedAccountCannotAskForACodeNorRedeemOneAskedForBeforeTheBan()
    {
        var banned = await stack.Client.NewUserAsync();
        var codeBeforeTheBan = await TransferCodeAsync(stack.Client, banned);
        await stack.BanAsync(banned.UserId, "bullying");

        var asks = await stack.Client.PostAsync("/v1/auth/transfer-code", OldPhoneProof(banned), banned.AccessToken);
        var newPhone = Device.New();
        var redeems = await stack.Client.PostAsync("/v1/auth/transfer", Redeem(codeBeforeTheBan, newPhone));

        Assert.All([asks, redeems], call =>
        {
            Assert.Equal(HttpStatusCode.Forbidden, call.Status);
            Assert.Equal(ErrorCodes.AuthDeviceBanned, call.ErrorCode);
        });
        Assert.Equal(HttpStatusCode.Created, (await stack.Client.PostAsync("/v1/auth/device-login", newPhone.LoginBody())).Status);
    }

    [Fact]
    public async Task ABannedDeviceCannotRedeemSomeoneElsesCode()
    {
        var old = await stack.Client.NewUserAsync();
        var code = await TransferCodeAsync(stack.Client, old);
        var bannedPhone = await stack.Client.NewUserAsync();
        await stack.BanAsync(bannedPhone.UserId, "spam");

        var refused = await stack.Client.PostAsync("/v1/auth/transfer", Redeem(code, bannedPhone.Device));
        var stillValid = await stack.Client.PostAsync("/v1/auth/transfer", Redeem(code, Device.New()));

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal(ErrorCodes.AuthDeviceBanned, refused.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, stillValid.Status);
    }

    [Fact]
    public async Task ADeviceWithAnAccountOfItsOwnIsRefusedUntilThatAccountIsDeleted()
    {
        var old = await stack.Client.NewUserAsync();
        var code = await TransferCodeAsync(stack.Client, old);
        var newPhone = await stack.Client.NewUserAsync();

        var refused = await stack.Client.PostAsync("/v1/auth/transfer", Redeem(code, newPhone.Device));
        await stack.Client.DeleteAsync("/v1/users/me", newPhone.AccessToken);
        var afterDeletion = await stack.Client.PostAsync("/v1/auth/transfer", Redeem(code, newPhone.Device));

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal(ErrorCodes.AuthTransferDeviceInUse, refused.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, afterDeletion.Status);
        Assert.Equal(old.UserId, afterDeletion.Data.GetProperty("user").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task OfManyPhonesRedeemingOneCodeAtOnceExactlyOneGetsTheAccount()
    {
        var old = await stack.Client.NewUserAsync();
        var code = await TransferCodeAsync(stack.Client, old);
        var phones = Enumerable.Range(0, 8).Select(_ => Device.New()).ToList();

        var calls = await Task.WhenAll(phones.Select(phone => stack.Client.PostAsync("/v1/auth/transfer", Redeem(code, phone))));

        var winners = phones.Zip(calls).Where(pair => pair.Second.Status == HttpStatusCode.OK).Select(pair => pair.First).ToList();
        var winner = Assert.Single(winners);
        Assert.All(calls.Where(call => call.Status != HttpStatusCode.OK), call => Assert.Equal(ErrorCodes.AuthTransferCodeUsed, call.ErrorCode));
        Assert.Equal(old.UserId, (await stack.Client.NewUserAsync(winner)).UserId);
        Assert.Equal(1, await DeviceGenerationAsync(old.UserId));
    }

    [Fact]
    public async Task BadInputIsAClearFourHundred()
    {
        var missingCode = await stack.Client.PostAsync("/v1/auth/transfer", new { deviceId = Device.New().DeviceId, deviceSecret = Device.New().DeviceSecret, platform = "ios" });
        var shortSecret = await stack.Client.PostAsync("/v1/auth/transfer", new { transferCode = "ACDE-FGHJ-KMNP", deviceId = Device.New().DeviceId, deviceSecret = "short", platform = "ios" });
        var noPlatform = await stack.Client.PostAsync("/v1/auth/transfer", new { transferCode = "ACDE-FGHJ-KMNP", deviceId = Device.New().DeviceId, deviceSecret = Device.New().DeviceSecret });
        var notACode = await stack.Client.PostAsync("/v1/auth/transfer", Redeem("not a code at all", Device.New()));

        Assert.Equal(ErrorCodes.ValidationRequired, missingCode.ErrorCode);
        Assert.Equal(ErrorCodes.ValidationOutOfRange, shortSecret.ErrorCode);
        Assert.Equal(ErrorCodes.ValidationRequired, noPlatform.ErrorCode);
        // A malformed code is just a wrong code: the answer says nothing about what codes look like on the server.
        Assert.Equal(ErrorCodes.AuthTransferCodeInvalid, notACode.ErrorCode);
    }

    [Fact]
    public async Task TheCleanupDropsExpiredCodesAndKeepsLiveOnes()
    {
        // Its own database: the cleanup deletes every expired code, and others' must not be touched.
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var settings = CirclyStack.Settings(await stack.Postgres.CreateDatabaseAsync(), stack.Azurite.ConnectionString, stack.Expo.BaseAddress.ToString());
        await using var app = await TestApp.StartAsync(settings, configureServices: services => services.AddSingleton<TimeProvider>(clock));
        var early = await app.Client.NewUserAsync();
        await TransferCodeAsync(app.Client, early);
        clock.Advance(TimeSpan.FromMinutes(6));
        var late = await app.Client.NewUserAsync();
        var liveCode = await TransferCodeAsync(app.Client, late);
        clock.Advance(TimeSpan.FromMinutes(5));

        var removed = await app.Get<AccountTransfers>().DeleteExpiredCodesAsync(Cancellation);

        Assert.Equal(1, removed);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.PostAsync("/v1/auth/transfer", Redeem(liveCode, Device.New()))).Status);
    }

    public static async Task<string> TransferCodeAsync(ApiClient client, Session oldPhone)
    {
        var call = await client.PostAsync("/v1/auth/transfer-code", OldPhoneProof(oldPhone), oldPhone.AccessToken);
        return call.Status == HttpStatusCode.Created
            ? call.Data.GetProperty("transferCode").GetString()!
            : throw new InvalidOperationException($"transfer-code answered {(int)call.Status}: {call.RawBody}");
    }

    private static object OldPhoneProof(Session oldPhone) => new { deviceId = oldPhone.Device.DeviceId, deviceSecret = oldPhone.Device.DeviceSecret };

    private static object Redeem(string code, Device newPhone) =>
        new { transferCode = code, deviceId = newPhone.DeviceId, deviceSecret = newPhone.DeviceSecret, platform = "android", appVersion = "2.0.0" };

    private static Dictionary<string, string> From(string address) => new() { ["X-Forwarded-For"] = address };

    [GeneratedRegex("^[ACDEFGHJKMNPQRTUVWXY34679]{4}-[ACDEFGHJKMNPQRTUVWXY34679]{4}-[ACDEFGHJKMNPQRTUVWXY34679]{4}$")]
    private static partial Regex CodeShape();

    private async Task<List<(Guid, bool)>> PushTokenOwnersAsync(string token)
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        return (await connection.QueryAsync<(Guid, bool)>("SELECT user_id, is_active FROM push_tokens WHERE token = @token", new { token })).ToList();
    }

    private async Task<int> DeviceGenerationAsync(Guid userId)
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        return await connection.ExecuteScalarAsync<int>("SELECT device_generation FROM users WHERE id = @userId", new { userId });
    }

    /// <summary>Its own app (a hand-moved clock, its own limits) and its own addresses, so these counters are nobody else's.</summary>
    private async Task<TestApp> StartAsync(ManualClock clock, int transferAttemptsPerHour = 100)
    {
        var settings = stack.Settings();
        settings["RateLimit:TransferAttemptsPerIpPerHour"] = transferAttemptsPerHour.ToString();
        settings["RateLimit:TrustForwardedFor"] = "true";
        var app = await TestApp.StartAsync(settings, configureServices: services => services.AddSingleton<TimeProvider>(clock));
        var unique = Guid.NewGuid().ToString("N");
        app.Client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.51.100.2, 2001:db8:{unique[..4]}:{unique[4..8]}:{unique[8..12]}::2");
        return app;
    }
}
