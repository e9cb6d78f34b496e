using Dapper;
using Npgsql;

namespace Circly.Core.Auth;

/// <summary>A device ban as moderators see it: the account it was made on (null once deleted), why, when.</summary>
public sealed record DeviceBan(Guid Id, Guid? UserId, string Reason, DateTimeOffset BannedAt);

/// <summary>
/// Bans an account and its device. The ban outlives the account (banned_devices: a new account on
/// the same device is refused at login), ends every session at once (refresh tokens revoked; access
/// tokens are refused on their next use, since every call checks the account's standing). For the
/// admin API, which runs these in the transaction that writes the audit entry.
/// </summary>
public sealed class AccountModeration
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly RefreshTokenRepository _refreshTokens;

    internal AccountModeration(NpgsqlDataSource dataSource, RefreshTokenRepository refreshTokens)
    {
        _dataSource = dataSource;
        _refreshTokens = refreshTokens;
    }

    /// <summary>Null when there is no such account (an existing ban of its device is kept as it was).</summary>
    public async Task<DeviceBan?> BanAsync(Guid userId, string reason, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        const string ban = """
            WITH account AS (
                UPDATE users SET is_banned = true, updated_at = now() WHERE id = @userId RETURNING id, device_id_hash
            ), added AS (
                INSERT INTO banned_devices (device_id_hash, reason, user_id)
                SELECT device_id_hash, @reason, id FROM account
                ON CONFLICT (device_id_hash) DO NOTHING
                RETURNING id, user_id, reason, banned_at
            )
            SELECT id, user_id, reason, banned_at FROM added
            UNION ALL
            SELECT b.id, b.user_id, b.reason, b.banned_at FROM banned_devices b JOIN account a ON b.device_id_hash = a.device_id_hash
            WHERE NOT EXISTS (SELECT 1 FROM added)
            """;
        var banned = await connection.QueryFirstOrDefaultAsync<DeviceBan>(new CommandDefinition(ban, new { userId, reason }, transaction, cancellationToken: cancellationToken));
        if (banned is not null)
        {
            await _refreshTokens.RevokeAllForUserAsync(userId, connection, transaction, cancellationToken);
        }
        return banned;
    }

    /// <summary>Lifts a ban: the device may sign in again, and its accounts are no longer banned. Null when there is no such ban.</summary>
    public Task<DeviceBan?> UnbanAsync(Guid banId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<DeviceBan>(new CommandDefinition("""
            WITH lifted AS (
                DELETE FROM banned_devices WHERE id = @banId RETURNING id, user_id, reason, banned_at, device_id_hash
            ), accounts AS (
                UPDATE users u SET is_banned = false, updated_at = now() FROM lifted WHERE u.device_id_hash = lifted.device_id_hash
            )
            SELECT id, user_id, reason, banned_at FROM lifted
            """, new { banId }, transaction, cancellationToken: cancellationToken));

    public async Task<(IReadOnlyList<DeviceBan> Items, int Total)> ListAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT id, user_id, reason, banned_at FROM banned_devices ORDER BY banned_at DESC, id LIMIT @limit OFFSET @offset;
            SELECT count(*)::int FROM banned_devices;
            """;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, new { limit, offset }, cancellationToken: cancellationToken));
        var items = (await results.ReadAsync<DeviceBan>()).ToList();
        return (items, await results.ReadSingleAsync<int>());
    }
}
