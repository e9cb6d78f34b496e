using Dapper;
using Npgsql;

namespace Circly.Core.Auth;

internal sealed record StoredRefreshToken(Guid Id, Guid FamilyId, Guid UserId, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt, DateTimeOffset? RevokedAt);

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
    public async Task CreateAsync(Guid userId, Guid familyId, byte[] tokenHash, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        const string sql = "INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at) VALUES (@familyId, @userId, @tokenHash, @expiresAt)";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { familyId, userId, tokenHash, expiresAt }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Marks the presented token used and stores its successor, or explains why not. A token that
    /// was already used is a stolen copy or a stolen original: the whole family is revoked.
    /// </summary>
    public async Task<(RotationOutcome Outcome, Guid UserId)> RotateAsync(byte[] presentedHash, byte[] nextHash, DateTimeOffset nextExpiresAt, Func<Guid, Task<bool>> mayContinue, CancellationToken cancellationToken)
    {
        const string find = "SELECT id, family_id, user_id, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_hash = @presentedHash FOR UPDATE";
        const string revokeFamily = "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = @familyId AND revoked_at IS NULL";
        const string rotate = """
            UPDATE refresh_tokens SET used_at = now() WHERE id = @id;
            INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at) VALUES (@familyId, @userId, @nextHash, @nextExpiresAt);
            """;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var token = await connection.QuerySingleOrDefaultAsync<StoredRefreshToken>(new CommandDefinition(find, new { presentedHash }, transaction, cancellationToken: cancellationToken));
        if (token is null)
        {
            return (RotationOutcome.Unknown, Guid.Empty);
        }
        if (token.RevokedAt is not null)
        {
            return (RotationOutcome.Revoked, token.UserId);
        }
        if (token.UsedAt is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(revokeFamily, new { token.FamilyId }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return (RotationOutcome.Reused, token.UserId);
        }
        if (token.ExpiresAt <= clock.GetUtcNow())
        {
            return (RotationOutcome.Expired, token.UserId);
        }
        if (!await mayContinue(token.UserId))
        {
            await connection.ExecuteAsync(new CommandDefinition(revokeFamily, new { token.FamilyId }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return (RotationOutcome.Revoked, token.UserId);
        }
        await connection.ExecuteAsync(new CommandDefinition(rotate, new { token.Id, token.FamilyId, token.UserId, nextHash, nextExpiresAt }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return (RotationOutcome.Rotated, token.UserId);
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
