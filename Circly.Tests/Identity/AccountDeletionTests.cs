using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Identity;

public sealed class AccountDeletionTests(CirclyStack stack)
{
    [Fact]
    public async Task DeletingMyAccountRemovesMeMyTokensAndMySettings()
    {
        var session = await stack.Client.NewUserAsync();
        await stack.Client.PutAsync("/v1/users/me/push-token", new { token = PushTokenTests.NewExpoToken() }, session.AccessToken);

        var call = await stack.Client.DeleteAsync("/v1/users/me", session.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var left = await connection.QuerySingleAsync<(long Users, long PushTokens, long RefreshTokens, long Settings)>("""
            SELECT (SELECT count(*) FROM users WHERE id = @UserId),
                   (SELECT count(*) FROM push_tokens WHERE user_id = @UserId),
                   (SELECT count(*) FROM refresh_tokens WHERE user_id = @UserId),
                   (SELECT count(*) FROM notification_settings WHERE user_id = @UserId)
            """, new { session.UserId });
        Assert.Equal((0L, 0L, 0L, 0L), left);
    }

    [Fact]
    public async Task AfterDeletionTheOldTokensOpenNothing()
    {
        var session = await stack.Client.NewUserAsync();
        await stack.Client.DeleteAsync("/v1/users/me", session.AccessToken);

        var me = await stack.Client.GetAsync("/v1/users/me", session.AccessToken);
        var refresh = await stack.Client.PostAsync("/v1/auth/refresh", new { refreshToken = session.RefreshToken });

        Assert.Equal(ErrorCodes.AuthInvalidToken, me.ErrorCode);
        Assert.Equal(ErrorCodes.AuthInvalidToken, refresh.ErrorCode);
    }

    [Fact]
    public async Task TheSameDeviceCanStartAFreshAccountAfterDeletion()
    {
        var session = await stack.Client.NewUserAsync();
        await stack.Client.DeleteAsync("/v1/users/me", session.AccessToken);

        var fresh = await stack.Client.PostAsync("/v1/auth/device-login", session.Device.LoginBody());

        Assert.Equal(HttpStatusCode.Created, fresh.Status);
        Assert.NotEqual(session.UserId, fresh.Data.GetProperty("user").GetProperty("id").GetGuid());
    }
}
