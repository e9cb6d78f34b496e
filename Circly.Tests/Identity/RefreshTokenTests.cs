using System.Net;
using Circly.Core.Auth;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Identity;

public sealed class RefreshTokenTests(CirclyStack stack)
{
    [Fact]
    public async Task ARefreshReturnsANewPairAndTheOldRefreshTokenStopsWorking()
    {
        var session = await stack.Client.NewUserAsync();

        var first = await Refresh(session.RefreshToken);
        var next = first.Data.GetProperty("refreshToken").GetString()!;
        var second = await Refresh(next);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.NotEqual(session.RefreshToken, next);
        Assert.Equal(session.UserId, first.Data.GetProperty("user").GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await stack.Client.GetAsync("/v1/users/me", first.Data.GetProperty("accessToken").GetString())).Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
    }

    [Fact]
    public async Task ReusingARotatedRefreshTokenRevokesTheWholeFamily()
    {
        var session = await stack.Client.NewUserAsync();
        var rotated = (await Refresh(session.RefreshToken)).Data.GetProperty("refreshToken").GetString()!;

        var replay = await Refresh(session.RefreshToken);
        var legitimateNext = await Refresh(rotated);

        Assert.Equal(HttpStatusCode.Unauthorized, replay.Status);
        Assert.Equal(ErrorCodes.AuthInvalidToken, replay.ErrorCode);
        Assert.Equal(HttpStatusCode.Unauthorized, legitimateNext.Status);
    }

    [Fact]
    public async Task ARefreshTokenUnusedPastItsIdleLifetimeIsExpired()
    {
        var session = await stack.Client.NewUserAsync();
        await using (var connection = new NpgsqlConnection(stack.DatabaseConnectionString))
        {
            await connection.ExecuteAsync("UPDATE refresh_tokens SET created_at = now() - interval '31 days', expires_at = now() - interval '1 day' WHERE token_hash = @hash",
                new { hash = RefreshTokens.Hash(session.RefreshToken) });
        }

        var call = await Refresh(session.RefreshToken);

        Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
        Assert.Equal(ErrorCodes.AuthTokenExpired, call.ErrorCode);
    }

    [Fact]
    public async Task AnUnknownRefreshTokenIsInvalid()
    {
        var call = await Refresh(RefreshTokens.New());

        Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
        Assert.Equal(ErrorCodes.AuthInvalidToken, call.ErrorCode);
    }

    [Fact]
    public async Task ARefreshWithoutATokenIsRequired()
    {
        var call = await stack.Client.PostAsync("/v1/auth/refresh", new { });

        Assert.Equal(ErrorCodes.ValidationRequired, call.ErrorCode);
    }

    private Task<ApiCall> Refresh(string refreshToken) => stack.Client.PostAsync("/v1/auth/refresh", new { refreshToken });
}
