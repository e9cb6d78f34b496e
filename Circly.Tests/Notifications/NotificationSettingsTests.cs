using System.Net;
using Circly.Core.Errors;
using Circly.Core.Notifications;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Notifications;

public sealed class NotificationSettingsTests(CirclyStack stack)
{
    private const string Path = "/v1/notifications/settings";

    [Fact]
    public async Task AUserWhoNeverSavedSettingsGetsTheDefaults()
    {
        var session = await stack.Client.NewUserAsync();

        var call = await stack.Client.GetAsync(Path, session.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.True(call.Data.GetProperty("pollStart").GetBoolean());
        Assert.True(call.Data.GetProperty("pollDeadline").GetBoolean());
        Assert.True(call.Data.GetProperty("pollResult").GetBoolean());
        var quiet = call.Data.GetProperty("quietHours");
        Assert.False(quiet.GetProperty("enabled").GetBoolean());
        Assert.Equal("22:00", quiet.GetProperty("start").GetString());
        Assert.Equal("07:00", quiet.GetProperty("end").GetString());
        Assert.Equal(20, call.Data.GetProperty("maxPerDay").GetInt32());
        Assert.Equal("UTC", call.Data.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task APutChangesOnlyTheFieldsItSends()
    {
        var session = await stack.Client.NewUserAsync();
        await stack.Client.PutAsync(Path, new { maxPerDay = 5 }, session.AccessToken);

        var call = await stack.Client.PutAsync(Path, new { pollResult = false, quietHours = new { enabled = true, end = "06:30" } }, session.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        var read = await stack.Client.GetAsync(Path, session.AccessToken);
        foreach (var settings in new[] { call.Data, read.Data })
        {
            Assert.True(settings.GetProperty("pollStart").GetBoolean());
            Assert.False(settings.GetProperty("pollResult").GetBoolean());
            Assert.True(settings.GetProperty("quietHours").GetProperty("enabled").GetBoolean());
            Assert.Equal("22:00", settings.GetProperty("quietHours").GetProperty("start").GetString());
            Assert.Equal("06:30", settings.GetProperty("quietHours").GetProperty("end").GetString());
            Assert.Equal(5, settings.GetProperty("maxPerDay").GetInt32());
        }
    }

    [Fact]
    public async Task TheTimeZoneSetHereIsTheProfilesTimeZone()
    {
        var session = await stack.Client.NewUserAsync();

        var call = await stack.Client.PutAsync(Path, new { timeZone = "Europe/Berlin", quietHours = new { enabled = true } }, session.AccessToken);

        Assert.Equal("Europe/Berlin", call.Data.GetProperty("timeZone").GetString());
        var profile = await stack.Client.GetAsync("/v1/users/me", session.AccessToken);
        Assert.Equal("Europe/Berlin", profile.Data.GetProperty("timeZone").GetString());
        await stack.Client.PutAsync("/v1/users/me", new { timeZone = "Asia/Tokyo" }, session.AccessToken);
        Assert.Equal("Asia/Tokyo", (await stack.Client.GetAsync(Path, session.AccessToken)).Data.GetProperty("timeZone").GetString());
    }

    [Theory]
    [InlineData("{\"quietHours\": {\"start\": \"25:00\"}}", "quietHours.start")]
    [InlineData("{\"quietHours\": {\"end\": \"7am\"}}", "quietHours.end")]
    [InlineData("{\"quietHours\": {\"start\": \"7:00\"}}", "quietHours.start")]
    [InlineData("{\"quietHours\": {\"start\": \"22:00\\n\"}}", "quietHours.start")]
    [InlineData("{\"quietHours\": {\"enabled\": \"yes\"}}", "quietHours.enabled")]
    [InlineData("{\"maxPerDay\": \"ten\"}", "maxPerDay")]
    [InlineData("{\"maxPerDay\": 2.5}", "maxPerDay")]
    [InlineData("{\"pollStart\": 1}", "pollStart")]
    [InlineData("{\"timeZone\": \"Mars/Olympus\"}", "timeZone")]
    public async Task AMalformedFieldIsA400NamingIt(string body, string field)
    {
        var session = await stack.Client.NewUserAsync();

        var call = await stack.Client.SendRawAsync(HttpMethod.Put, Path, body, session.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(ErrorCodes.ValidationInvalidFormat, call.ErrorCode);
        Assert.Equal(field, call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("{\"maxPerDay\": 101}", "maxPerDay")]
    [InlineData("{\"maxPerDay\": -1}", "maxPerDay")]
    [InlineData("{\"quietHours\": {\"enabled\": true, \"start\": \"07:00\", \"end\": \"07:00\"}}", "quietHours.end")]
    public async Task AValueOutOfRangeIsA400NamingIt(string body, string field)
    {
        var session = await stack.Client.NewUserAsync();

        var call = await stack.Client.SendRawAsync(HttpMethod.Put, Path, body, session.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(ErrorCodes.ValidationOutOfRange, call.ErrorCode);
        Assert.Equal(field, call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
    }

    [Fact]
    public async Task ARefusedUpdateChangesNothing()
    {
        var session = await stack.Client.NewUserAsync();

        var call = await stack.Client.PutAsync(Path, new { pollStart = false, timeZone = "Europe/Paris", maxPerDay = 500 }, session.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        var read = await stack.Client.GetAsync(Path, session.AccessToken);
        Assert.True(read.Data.GetProperty("pollStart").GetBoolean());
        Assert.Equal("UTC", read.Data.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task SettingsNeedASignedInUser()
    {
        var call = await stack.Client.GetAsync(Path);

        Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
        Assert.Equal(ErrorCodes.AuthInvalidToken, call.ErrorCode);
    }

    [Fact]
    public async Task TheFanOutReadsEveryonesDeliveryPreferencesAtOnce()
    {
        var plain = await stack.Client.NewUserAsync();
        var tuned = await stack.Client.NewUserAsync();
        await stack.Client.PutAsync(Path, new { pollDeadline = false, maxPerDay = 3, timeZone = "America/New_York", quietHours = new { enabled = true, start = "21:30", end = "06:45" } }, tuned.AccessToken);
        var nobody = Guid.NewGuid();

        var preferences = await stack.Api.Get<NotificationSettingsService>().GetDeliveryPreferencesAsync([plain.UserId, tuned.UserId, nobody], CancellationToken.None);

        Assert.Equal(2, preferences.Count);
        Assert.Equal(new DeliveryPreferences(plain.UserId, true, true, true, false, new TimeOnly(22, 0), new TimeOnly(7, 0), "UTC", 20), preferences[plain.UserId]);
        Assert.Equal(new DeliveryPreferences(tuned.UserId, true, false, true, true, new TimeOnly(21, 30), new TimeOnly(6, 45), "America/New_York", 3), preferences[tuned.UserId]);
    }
}
