using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Identity;

public sealed class BanTests(CirclyStack stack)
{
    [Fact]
    public async Task ABannedDeviceIsRefusedOnLoginRefreshAndEveryAuthenticatedCall()
    {
        var session = await stack.Client.NewUserAsync();

        await stack.BanAsync(session.UserId, "bullying");

        var me = await stack.Client.GetAsync("/v1/users/me", session.AccessToken);
        var refresh = await stack.Client.PostAsync("/v1/auth/refresh", new { refreshToken = session.RefreshToken });
        var login = await stack.Client.PostAsync("/v1/auth/device-login", session.Device.LoginBody());
        Assert.All([me, refresh, login], call =>
        {
            Assert.Equal(HttpStatusCode.Forbidden, call.Status);
            Assert.Equal(ErrorCodes.AuthDeviceBanned, call.ErrorCode);
        });
    }

    /// <summary>The standing an instance keeps for 10 s (StandingCache) gives way to a ban made through it.</summary>
    [Fact]
    public async Task ABanStopsTheVeryNextCallOfAnAccountThatWasJustActive()
    {
        var session = await stack.Client.NewUserAsync();
        Assert.True((await stack.Client.GetAsync("/v1/users/me", session.AccessToken)).Success);

        await stack.BanAsync(session.UserId, "bullying");

        var next = await stack.Client.GetAsync("/v1/users/me", session.AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, next.Status);
        Assert.Equal(ErrorCodes.AuthDeviceBanned, next.ErrorCode);
    }

    [Fact]
    public async Task ABanOutlivesDeletingTheAccount()
    {
        var session = await stack.Client.NewUserAsync();
        Assert.True((await stack.Client.DeleteAsync("/v1/users/me", session.AccessToken)).Success);

        var fresh = await stack.Client.NewUserAsync(session.Device);
        await stack.BanAsync(fresh.UserId, "spam");
        await stack.Client.DeleteAsync("/v1/users/me", fresh.AccessToken);

        var again = await stack.Client.PostAsync("/v1/auth/device-login", session.Device.LoginBody());
        Assert.Equal(ErrorCodes.AuthDeviceBanned, again.ErrorCode);
    }
}
