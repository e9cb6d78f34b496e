using System.Net;
using System.Security.Cryptography;

namespace Circly.Tests.Infrastructure;

/// <summary>A phone as the API sees it: a random device id and the secret its app keeps.</summary>
public sealed record Device(string DeviceId, string DeviceSecret)
{
    public static Device New() => new("device-" + Guid.NewGuid().ToString("N"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    public object LoginBody(string platform = "ios") => new { deviceId = DeviceId, deviceSecret = DeviceSecret, platform, appVersion = "1.0.0" };
}

/// <summary>A signed-in test user.</summary>
public sealed record Session(Guid UserId, string AccessToken, string RefreshToken, Device Device);

public static class SessionExtensions
{
    /// <summary>Registers a new device and returns its session.</summary>
    public static async Task<Session> NewUserAsync(this ApiClient client, Device? device = null)
    {
        device ??= Device.New();
        var call = await client.PostAsync("/v1/auth/device-login", device.LoginBody());
        if (call.Status is not (HttpStatusCode.Created or HttpStatusCode.OK))
        {
            throw new InvalidOperationException($"device-login answered {(int)call.Status}: {call.RawBody}");
        }
        return new Session(
            call.Data.GetProperty("user").GetProperty("id").GetGuid(),
            call.Data.GetProperty("accessToken").GetString()!,
            call.Data.GetProperty("refreshToken").GetString()!,
            device);
    }
}
