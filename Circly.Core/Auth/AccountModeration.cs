using Circly.Core.Users;
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
    private readonly UserService _users;

    internal AccountModeration(NpgsqlDataSource dataSource, RefreshTokenRepository refreshTokens, UserService users)
    {
        _dataSource = dataSource;
        _refreshTokens = refreshTokens;
        _users = users;
    }

    /// <summary>Null when there is no such account (an existing ban of its device is kept as it was).</summary>
    public async Task<DeviceBan?> BanAsync(Guid userId, string reason, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // The account's flag belongs to the Users module; the device ban and the sessions to this one.
        var deviceIdHash = await _users.MarkBannedAsync(userId, connection, transaction, cancellationToken);
        if (deviceIdHash is null)
        {
            return null;
        }
        const string ban = """
            WITH added AS (
                INSERT INTO banned_devices (device_id_hash, reason, user_id) VALUES (@deviceIdHash, @reason, @userId)
                ON CONFLICT (device_id_hash) DO NOTHING
                RETURNING id, user_id, reason, banned_at
            )
            SELECT id, user_id, reason, banned_at FROM added
            UNION ALL
            SELECT id, user_id, reason, banned_at FROM banned_devices WHERE device_id_hash = @deviceIdHash AND NOT EXISTS (SELECT 1 FROM added)
            """;
        var banned = await connection.QueryFirstAsync<DeviceBan>(new CommandDefinition(ban, new { userId, reason, deviceIdHash }, transaction, cancellationToken: cancellationToken));
        await _refreshTokens.RevokeAllForUserAsync(userId, connection, transaction, cancellationToken);
        return banned;
    }

    /// <summary>Lifts a ban: the device may sign in again, and its accounts are no longer banned. Null when there is no such ban.</summary>
    public async Task<DeviceBan?> UnbanAsync(Guid banId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var lifted = await connection.QuerySingleOrDefaultAsync<LiftedBan>(new CommandDefinition(
            "DELETE FROM banned_devices WHERE id = @banId RETURNING id, user_id, reason, banned_at, device_id_hash",
            new { banId }, transaction, cancellationToken: cancellationToken));
        if (lifted is null)
        {
            return null;
        }
        await _users.LiftBanAsync(lifted.DeviceIdHash, connection, transaction, cancellationToken);
        return new DeviceBan(lifted.Id, lifted.UserId, lifted.Reason, lifted.BannedAt);
    }

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

    private sealed record LiftedBan(Guid Id, Guid? UserId, string Reason, DateTimeOffset BannedAt, byte[] DeviceIdHash);
}
