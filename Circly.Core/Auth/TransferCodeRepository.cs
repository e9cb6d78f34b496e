using Dapper;
using Npgsql;

namespace Circly.Core.Auth;

internal sealed record StoredTransferCode(Guid UserId, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt);

/// <summary>All SQL on transfer_codes. Times come from the app's clock, like refresh token expiry.</summary>
internal sealed class TransferCodeRepository(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The account's one code, replacing any earlier one (used or not). False in the astronomically
    /// rare case that another account holds the same code: the caller draws again.
    /// </summary>
    public async Task<bool> ReplaceAsync(Guid userId, byte[] codeHash, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO transfer_codes (user_id, code_hash, created_at, expires_at) VALUES (@userId, @codeHash, @now, @expiresAt)
            ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at, expires_at = excluded.expires_at, used_at = NULL
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, new { userId, codeHash, now, expiresAt }, cancellationToken: cancellationToken));
            return true;
        }
        catch (PostgresException collision) when (collision is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "transfer_codes_code_hash_key" })
        {
            return false;
        }
    }

    public async Task<StoredTransferCode?> FindAsync(byte[] codeHash, CancellationToken cancellationToken)
    {
        const string sql = "SELECT user_id, expires_at, used_at FROM transfer_codes WHERE code_hash = @codeHash";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<StoredTransferCode>(new CommandDefinition(sql, new { codeHash }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Marks the code used if it still is the account's live, unused code, in the caller's
    /// transaction. The row lock makes this the point where concurrent redemptions queue: after
    /// the first commits, the others find it used. False when it was used, replaced or expired meanwhile.
    /// </summary>
    public async Task<bool> ClaimAsync(Guid userId, byte[] codeHash, DateTimeOffset now, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE transfer_codes SET used_at = @now
            WHERE user_id = @userId AND code_hash = @codeHash AND used_at IS NULL AND expires_at > @now
            """;
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { userId, codeHash, now }, transaction, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Housekeeping: an expired code answers like a wrong one, so its row serves nothing.</summary>
    public async Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string sql = "DELETE FROM transfer_codes WHERE expires_at <= @now";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { now }, cancellationToken: cancellationToken));
    }
}
