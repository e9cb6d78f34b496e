using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Identity;

public sealed class PushTokenTests(CirclyStack stack)
{
    [Fact]
    public async Task RemovingThePushTokenStopsPushesAndCanBeRepeated()
    {
        var session = await stack.Client.NewUserAsync();
        var token = NewExpoToken();
        await stack.Client.PutAsync("/v1/users/me/push-token", new { token }, session.AccessToken);

        var first = await stack.Client.DeleteAsync("/v1/users/me/push-token", session.AccessToken);
        var again = await stack.Client.DeleteAsync("/v1/users/me/push-token", session.AccessToken);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(1, first.Data.GetProperty("removed").GetInt32());
        Assert.Equal(0, again.Data.GetProperty("removed").GetInt32());
        Assert.Equal([(session.UserId, false)], await OwnersOf(token));
    }

    [Fact]
    public async Task ATokenWithATrailingNewlineIsRefused()
    {
        var session = await stack.Client.NewUserAsync();

        var call = await stack.Client.PutAsync("/v1/users/me/push-token", new { token = NewExpoToken() + "\n" }, session.AccessToken);

        Assert.Equal(ErrorCodes.ValidationInvalidFormat, call.ErrorCode);
    }

    [Fact]
    public async Task APushTokenIsRegisteredForTheUser()
    {
        var session = await stack.Client.NewUserAsync();
        var token = NewExpoToken();

        var call = await stack.Client.PutAsync("/v1/users/me/push-token", new { token }, session.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal([(session.UserId, true)], await OwnersOf(token));
    }

    [Fact]
    public async Task RegisteringATokenElsewhereMovesItToTheNewUser()
    {
        var first = await stack.Client.NewUserAsync();
        var second = await stack.Client.NewUserAsync();
        var token = NewExpoToken();
        await stack.Client.PutAsync("/v1/users/me/push-token", new { token }, first.AccessToken);

        await stack.Client.PutAsync("/v1/users/me/push-token", new { token, platform = "android" }, second.AccessToken);

        Assert.Equal([(second.UserId, true)], await OwnersOf(token));
    }

    [Fact]
    public async Task ANewTokenReplacesTheUsersOldOne()
    {
        var session = await stack.Client.NewUserAsync();
        var old = NewExpoToken();
        await stack.Client.PutAsync("/v1/users/me/push-token", new { token = old }, session.AccessToken);

        await stack.Client.PutAsync("/v1/users/me/push-token", new { token = NewExpoToken() }, session.AccessToken);

        Assert.Equal([(session.UserId, false)], await OwnersOf(old));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("ExponentPushToken[short]")]
    [InlineData("ExponentPushToken[has spaces in it here]")]
    public async Task ATokenThatIsNotAnExpoTokenIsRefused(string token)
    {
        var session = await stack.Client.NewUserAsync();

        var call = await stack.Client.PutAsync("/v1/users/me/push-token", new { token }, session.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(ErrorCodes.ValidationInvalidFormat, call.ErrorCode);
    }

    public static string NewExpoToken() => $"ExponentPushToken[{Guid.NewGuid():N}]";

    private async Task<List<(Guid, bool)>> OwnersOf(string token)
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        return (await connection.QueryAsync<(Guid, bool)>("SELECT user_id, is_active FROM push_tokens WHERE token = @token", new { token })).ToList();
    }
}
