using Circly.Core.Users;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Circly.Core.Auth;

/// <summary>
/// Starts sessions: a new refresh token family bound to the account's device generation, and the
/// access token and profile that go back with it. Shared by device login and account transfer.
/// </summary>
internal sealed class SessionIssuer(UserService users, RefreshTokenRepository refreshTokens, AccessTokens accessTokens, IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly AuthOptions _options = options.Value;

    /// <summary>A refresh token not yet stored, and when it expires if unused.</summary>
    public (string Token, DateTimeOffset ExpiresAt) NewRefreshToken() => (RefreshTokens.New(), clock.GetUtcNow() + _options.RefreshTokenIdleLifetime);

    public async Task<AuthSession> StartAsync(Guid userId, int deviceGeneration, bool isNewUser, CancellationToken cancellationToken)
    {
        var (refreshToken, refreshExpiresAt) = NewRefreshToken();
        await refreshTokens.CreateAsync(userId, deviceGeneration, RefreshTokens.Hash(refreshToken), refreshExpiresAt, cancellationToken);
        return await CompleteAsync(userId, deviceGeneration, refreshToken, refreshExpiresAt, isNewUser, cancellationToken);
    }

    /// <summary>Stores a new session's refresh token in the caller's transaction; complete it once that commits.</summary>
    public async Task<(string Token, DateTimeOffset ExpiresAt)> StartAsync(Guid userId, int deviceGeneration, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var (refreshToken, refreshExpiresAt) = NewRefreshToken();
        await refreshTokens.CreateAsync(userId, deviceGeneration, RefreshTokens.Hash(refreshToken), refreshExpiresAt, connection, transaction, cancellationToken);
        return (refreshToken, refreshExpiresAt);
    }

    /// <summary>The answer to a login, refresh or transfer: a new access token next to the given refresh token.</summary>
    public async Task<AuthSession> CompleteAsync(Guid userId, int deviceGeneration, string refreshToken, DateTimeOffset refreshExpiresAt, bool isNewUser, CancellationToken cancellationToken)
    {
        var (accessToken, expiresAt) = accessTokens.Issue(userId, deviceGeneration);
        var profile = await users.GetProfileAsync(userId, cancellationToken);
        return new AuthSession(accessToken, refreshToken, "Bearer", (int)_options.AccessTokenLifetime.TotalSeconds, expiresAt, refreshExpiresAt, isNewUser, profile);
    }
}
