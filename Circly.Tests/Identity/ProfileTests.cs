using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Identity;

public sealed class ProfileTests(CirclyStack stack)
{
    [Fact]
    public async Task AUserUpdatesAppVersionPlatformLocaleAndTimeZone()
    {
        var session = await stack.Client.NewUserAsync();

        var call = await stack.Client.PutAsync("/v1/users/me", new { appVersion = "2.3.1", platform = "android", locale = "de-DE", timeZone = "Europe/Berlin" }, session.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal("2.3.1", call.Data.GetProperty("appVersion").GetString());
        Assert.Equal("android", call.Data.GetProperty("platform").GetString());
        Assert.Equal("de-DE", call.Data.GetProperty("locale").GetString());
        Assert.Equal("Europe/Berlin", call.Data.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task AProfileUpdateIgnoresIdsRolesAndBanState()
    {
        var session = await stack.Client.NewUserAsync();
        var someoneElse = Guid.NewGuid();

        var call = await stack.Client.PutAsync("/v1/users/me", new { id = someoneElse, role = "admin", isBanned = true, isActive = false, appVersion = "1.1.0" }, session.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal(session.UserId, call.Data.GetProperty("id").GetGuid());
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var row = await connection.QuerySingleAsync<(string Role, bool IsBanned, bool IsActive, string AppVersion)>(
            "SELECT role, is_banned, is_active, app_version FROM users WHERE id = @UserId", new { session.UserId });
        Assert.Equal(("user", false, true, "1.1.0"), row);
    }

    [Theory]
    [InlineData("{\"timeZone\": \"Mars/Olympus\"}", "timeZone")]
    [InlineData("{\"platform\": \"windows-phone\"}", "platform")]
    [InlineData("{\"appVersion\": \"latest & greatest\"}", "appVersion")]
    [InlineData("{\"locale\": \"not a locale!\"}", "locale")]
    [InlineData("{\"appVersion\": \"1.2.3\\n\"}", "appVersion")]
    [InlineData("{\"locale\": \"en-US\\n\"}", "locale")]
    [InlineData("{\"timeZone\": \"localtime\"}", "timeZone")]
    [InlineData("{\"timeZone\": \"Factory\"}", "timeZone")]
    [InlineData("{\"timeZone\": \"Pacific Standard Time\"}", "timeZone")]
    public async Task AnInvalidProfileFieldIsA400NamingIt(string body, string field)
    {
        var session = await stack.Client.NewUserAsync();

        var call = await stack.Client.SendRawAsync(HttpMethod.Put, "/v1/users/me", body, session.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(ErrorCodes.ValidationInvalidFormat, call.ErrorCode);
        Assert.Equal(field, call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
    }

    [Fact]
    public async Task TheProfileShowsNoDeviceData()
    {
        var session = await stack.Client.NewUserAsync();

        var call = await stack.Client.GetAsync("/v1/users/me", session.AccessToken);

        Assert.DoesNotContain("device", call.RawBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hash", call.RawBody, StringComparison.OrdinalIgnoreCase);
    }
}
