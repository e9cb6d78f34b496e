using Dapper;
using Npgsql;

namespace Circly.Core.Auth;

internal sealed record StoredRefreshToken(Guid Id, Guid FamilyId, Guid UserId, int DeviceGeneration, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt, DateTimeOffset? RevokedAt);

internal enum RotationOutcome
{
    Rotated,
    Unknown,
    Revoked,
    Reused,
    Expired,
}

/// <summary>All SQL on refresh_tokens. Rotation happens under a row lock, so a token is used once.</summary>
internal sealed class RefreshTokenRepository(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Insert = """
        INSERT INTO refresh_tokens (family_id, user_id, device_generation, token_hash, expires_at)
        VALUES (@familyId, @userId, @deviceGeneration, @tokenHash, @expiresAt)
        """;

    public async Task CreateAsync(Guid userId, int deviceGeneration, byte[] tokenHash, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await CreateAsync(userId, deviceGeneration, tokenHash, expiresAt, connection, null, cancellationToken);
    }

    /// <summary>The first token of a new family (a new session), in the caller's transaction if there is one.</summary>
    public async Task CreateAsync(Guid userId, int deviceGeneration, byte[] tokenHash, DateTimeOffset expiresAt, NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            Insert, new { familyId = Guid.NewGuid(), userId, deviceGeneration, tokenHash, expiresAt }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Marks the presented token used and stores its successor (same family, same device
    /// generation), or explains why not. A token that was already used is a stolen copy or a
    /// stolen original: the whole family is revoked. So is one whose owner may not continue
    /// (banned, gone, or moved to another device since the token's generation).
    /// </summary>
    public async Task<(RotationOutcome Outcome, Guid UserId, int DeviceGeneration)> RotateAsync(byte[] presentedHash, byte[] nextHash, DateTimeOffset nextExpiresAt,
        Func<Guid, int, Task<bool>> mayContinue, CancellationToken cancellationToken)
    {
        const string find = "SELECT id, family_id, user_id, device_generation, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_hash = @presentedHash FOR UPDATE";
        const string revokeFamily = "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = @familyId AND revoked_at IS NULL";
        const string rotate = """
            UPDATE refresh_tokens SET used_at = now() WHERE id = @id;
            INSERT INTO refresh_tokens (family_id, user_id, device_generation, token_hash, expires_at) VALUES (@familyId, @userId, @deviceGeneration, @nextHash, @nextExpiresAt);
            """;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var token = await connection.QuerySingleOrDefaultAsync<StoredRefreshToken>(new CommandDefinition(find, new { presentedHash }, transaction, cancellationToken: cancellationToken));
        if (token is null)
        {
            return (RotationOutcome.Unknown, Guid.Empty, 0);
        }
        if (token.RevokedAt is not null)
        {
            return (RotationOutcome.Revoked, token.UserId, token.DeviceGeneration);
        }
        if (token.UsedAt is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(revokeFamily, new { token.FamilyId }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return (RotationOutcome.Reused, token.UserId, token.DeviceGeneration);
        }
        if (token.ExpiresAt <= clock.GetUtcNow())
        {
            return (RotationOutcome.Expired, token.UserId, token.DeviceGeneration);
        }
        if (!await mayContinue(token.UserId, token.DeviceGeneration))
        {
            await connection.ExecuteAsync(new CommandDefinition(revokeFamily, new { token.FamilyId }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return (RotationOutcome.Revoked, token.UserId, token.DeviceGeneration);
        }
        await connection.ExecuteAsync(new CommandDefinition(rotate, new { token.Id, token.FamilyId, token.UserId, token.DeviceGeneration, nextHash, nextExpiresAt }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return (RotationOutcome.Rotated, token.UserId, token.DeviceGeneration);
    }

    public async Task RevokeAllForUserAsync(Guid userId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = @userId AND revoked_at IS NULL", new { userId }, transaction, cancellationToken: cancellationToken));

    /// <summary>Housekeeping: tokens expired or revoked more than a day ago carry no information worth keeping.</summary>
    public async Task<int> DeleteStaleAsync(CancellationToken cancellationToken)
    {
        const string sql = "DELETE FROM refresh_tokens WHERE expires_at < now() - interval '1 day' OR revoked_at < now() - interval '1 day'";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: cancellationToken));
    }
}
