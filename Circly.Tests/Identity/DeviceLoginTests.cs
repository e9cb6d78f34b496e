using System.Net;
using System.Text;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Identity;

public sealed class DeviceLoginTests(CirclyStack stack)
{
    [Fact]
    public async Task TheFirstLoginRegistersTheDeviceAndReturnsTokens()
    {
        var device = Device.New();

        var call = await stack.Client.PostAsync("/v1/auth/device-login", device.LoginBody("android"));

        Assert.Equal(HttpStatusCode.Created, call.Status);
        var data = call.Data;
        Assert.True(data.GetProperty("isNewUser").GetBoolean());
        Assert.Equal("Bearer", data.GetProperty("tokenType").GetString());
        Assert.Equal(900, data.GetProperty("expiresIn").GetInt32());
        Assert.Equal(3, data.GetProperty("accessToken").GetString()!.Split('.').Length);
        Assert.False(string.IsNullOrEmpty(data.GetProperty("refreshToken").GetString()));
        Assert.Equal("android", data.GetProperty("user").GetProperty("platform").GetString());
    }

    [Fact]
    public async Task ALaterLoginWithTheRightSecretIsTheSameUser()
    {
        var first = await stack.Client.NewUserAsync();

        var again = await stack.Client.PostAsync("/v1/auth/device-login", first.Device.LoginBody());

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.False(again.Data.GetProperty("isNewUser").GetBoolean());
        Assert.Equal(first.UserId, again.Data.GetProperty("user").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task ALaterLoginWithAnotherSecretCannotTakeTheAccountOver()
    {
        var owner = await stack.Client.NewUserAsync();
        var attacker = owner.Device with { DeviceSecret = Device.New().DeviceSecret };

        var call = await stack.Client.PostAsync("/v1/auth/device-login", attacker.LoginBody());

        Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
        Assert.Equal(ErrorCodes.AuthInvalidCredentials, call.ErrorCode);
        Assert.False(call.Body.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task ALoginWithoutASecretIsRefusedAsMissing()
    {
        var owner = await stack.Client.NewUserAsync();

        var call = await stack.Client.PostAsync("/v1/auth/device-login", new { deviceId = owner.Device.DeviceId, platform = "ios" });

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(ErrorCodes.ValidationRequired, call.ErrorCode);
        Assert.Equal("deviceSecret", call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("{\"deviceId\": 12345678, \"deviceSecret\": \"x\", \"platform\": \"ios\"}", ErrorCodes.ValidationInvalidFormat)]
    [InlineData("{\"deviceId\": \"abcdefgh\", \"deviceSecret\": \"too-short\", \"platform\": \"ios\"}", ErrorCodes.ValidationOutOfRange)]
    [InlineData("{\"deviceId\": \"abcdefghij\", \"deviceSecret\": \"0123456789abcdef0123456789abcdef\", \"platform\": \"nokia\"}", ErrorCodes.ValidationInvalidFormat)]
    [InlineData("{\"deviceId\": \"abcdefghij\"", ErrorCodes.ValidationInvalidFormat)]
    public async Task BadLoginInputIsA400(string body, string code)
    {
        var call = await stack.Client.SendRawAsync(HttpMethod.Post, "/v1/auth/device-login", body);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(code, call.ErrorCode);
    }

    [Fact]
    public async Task TheDatabaseHoldsOnlyHashesOfDeviceIdsAndSecrets()
    {
        var session = await stack.Client.NewUserAsync();
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);

        var row = await connection.QuerySingleAsync<(byte[] DeviceIdHash, byte[] DeviceSecretHash)>(
            "SELECT device_id_hash, device_secret_hash FROM users WHERE id = @UserId", new { session.UserId });

        Assert.Equal(32, row.DeviceIdHash.Length);
        Assert.Equal(32, row.DeviceSecretHash.Length);
        Assert.DoesNotContain(session.Device.DeviceId, Encoding.UTF8.GetString(row.DeviceIdHash), StringComparison.Ordinal);
        var dump = await connection.ExecuteScalarAsync<string>("SELECT row_to_json(u)::text FROM users u WHERE id = @UserId", new { session.UserId });
        Assert.DoesNotContain(session.Device.DeviceId, dump);
        Assert.DoesNotContain(session.Device.DeviceSecret, dump);
    }

    [Fact]
    public async Task TwoFirstLoginsOfOneDeviceAtOnceMakeOneAccount()
    {
        var device = Device.New();

        var calls = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => stack.Client.PostAsync("/v1/auth/device-login", device.LoginBody())));

        Assert.All(calls, call => Assert.True(call.Success, call.RawBody));
        Assert.Single(calls.Select(c => c.Data.GetProperty("user").GetProperty("id").GetGuid()).Distinct());
        Assert.Single(calls, c => c.Status == HttpStatusCode.Created);
    }
}
