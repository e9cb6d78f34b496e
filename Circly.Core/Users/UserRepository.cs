using Circly.Core.Outbox;
using Dapper;
using Npgsql;

namespace Circly.Core.Users;

/// <summary>All SQL on the users and push_tokens tables.</summary>
internal sealed class UserRepository(NpgsqlDataSource dataSource)
{
    private const string ProfileColumns = "id, platform, app_version, locale, time_zone, created_at, last_active_at";

    public async Task<DeviceAccount?> FindByDeviceAsync(byte[] deviceIdHash, CancellationToken cancellationToken)
    {
        const string sql = "SELECT id, device_secret_hash, is_banned, device_generation FROM users WHERE device_id_hash = @deviceIdHash AND is_active";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DeviceAccount>(new CommandDefinition(sql, new { deviceIdHash }, cancellationToken: cancellationToken));
    }

    public Task<byte[]?> MarkBannedAsync(Guid userId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<byte[]?>(new CommandDefinition(
            "UPDATE users SET is_banned = true, updated_at = now() WHERE id = @userId RETURNING device_id_hash",
            new { userId }, transaction, cancellationToken: cancellationToken));

    public Task<int> LiftBanAsync(byte[] deviceIdHash, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET is_banned = false, updated_at = now() WHERE device_id_hash = @deviceIdHash",
            new { deviceIdHash }, transaction, cancellationToken: cancellationToken));

    /// <summary>The new account and its AccountCreated event, in one statement.</summary>
    private static readonly string RegisterSql = $"""
        WITH registered AS (
            INSERT INTO users (device_id_hash, device_secret_hash, platform, app_version, locale, time_zone)
            VALUES (@deviceIdHash, @deviceSecretHash, @platform, @appVersion, @locale, coalesce(@timeZone, 'UTC'))
            ON CONFLICT (device_id_hash) WHERE is_active DO NOTHING
            RETURNING id
        ), announced AS (
            {OutboxSql.InsertFrom(OutboxEventTypes.AccountCreated, "jsonb_build_object('userId', id)", "registered")}
        )
        SELECT id FROM registered
        """;

    /// <summary>Null when another request registered the same device first (unique index).</summary>
    public async Task<Guid?> RegisterAsync(byte[] deviceIdHash, byte[] deviceSecretHash, string platform, string? appVersion, string? locale, string? timeZone, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(RegisterSql, new { deviceIdHash, deviceSecretHash, platform, appVersion, locale, timeZone }, cancellationToken: cancellationToken));
    }

    public async Task RecordLoginAsync(Guid userId, string platform, string? appVersion, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE users SET platform = @platform, app_version = coalesce(@appVersion, app_version), last_active_at = now(), updated_at = now()
            WHERE id = @userId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { userId, platform, appVersion }, cancellationToken: cancellationToken));
    }

    public async Task<AccountStanding> GetStandingAsync(Guid userId, CancellationToken cancellationToken)
    {
        const string sql = "SELECT true AS exists, is_banned, device_generation FROM users WHERE id = @userId AND is_active";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AccountStanding>(new CommandDefinition(sql, new { userId }, cancellationToken: cancellationToken))
            ?? new AccountStanding(false, false, 0);
    }

    /// <summary>
    /// Binds the account to another device, in the caller's transaction: new device id and secret
    /// hashes, the next device generation, and no active push token (they reach the old phone).
    /// A device that another active account holds is refused by the unique index, even in a race.
    /// </summary>
    public async Task<DeviceMove> MoveDeviceAsync(Guid userId, byte[] deviceIdHash, byte[] deviceSecretHash, string platform, string? appVersion,
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        const string move = """
            UPDATE users SET device_id_hash = @deviceIdHash, device_secret_hash = @deviceSecretHash, platform = @platform,
                app_version = coalesce(@appVersion, app_version), device_generation = device_generation + 1,
                last_active_at = now(), updated_at = now()
            WHERE id = @userId AND is_active AND NOT is_banned
            RETURNING device_generation
            """;
        const string silence = "UPDATE push_tokens SET is_active = false, deactivated_at = now(), updated_at = now() WHERE user_id = @userId AND is_active";
        int? generation;
        try
        {
            generation = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
                move, new { userId, deviceIdHash, deviceSecretHash, platform, appVersion }, transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException unique) when (unique is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "idx_users_device_id" })
        {
            return new DeviceMove(DeviceMoveOutcome.DeviceInUse, 0);
        }
        if (generation is not { } moved)
        {
            return new DeviceMove(DeviceMoveOutcome.AccountUnavailable, 0);
        }
        await connection.ExecuteAsync(new CommandDefinition(silence, new { userId }, transaction, cancellationToken: cancellationToken));
        return new DeviceMove(DeviceMoveOutcome.Moved, moved);
    }

    public async Task<AccountOverview?> GetOverviewAsync(Guid userId, CancellationToken cancellationToken)
    {
        const string sql = "SELECT id, platform, app_version, locale, time_zone, is_active, is_banned, created_at, last_active_at FROM users WHERE id = @userId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AccountOverview>(new CommandDefinition(sql, new { userId }, cancellationToken: cancellationToken));
    }

    public async Task<UserProfile?> GetProfileAsync(Guid userId, CancellationToken cancellationToken)
    {
        const string sql = $"SELECT {ProfileColumns} FROM users WHERE id = @userId AND is_active";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserProfile>(new CommandDefinition(sql, new { userId }, cancellationToken: cancellationToken));
    }

    public async Task<UserProfile?> UpdateProfileAsync(Guid userId, string? appVersion, string? platform, string? locale, string? timeZone, CancellationToken cancellationToken)
    {
        const string sql = $"""
            UPDATE users SET
                app_version = coalesce(@appVersion, app_version),
                platform = coalesce(@platform, platform),
                locale = coalesce(@locale, locale),
                time_zone = coalesce(@timeZone, time_zone),
                updated_at = now()
            WHERE id = @userId AND is_active
            RETURNING {ProfileColumns}
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserProfile>(new CommandDefinition(sql, new { userId, appVersion, platform, locale, timeZone }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// A token belongs to one user: registering it again moves it here. A user has one active
    /// token (one device per account), so their older tokens stop receiving pushes.
    /// </summary>
    public async Task SetPushTokenAsync(Guid userId, string token, string platform, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE push_tokens SET is_active = false, deactivated_at = now(), updated_at = now()
            WHERE user_id = @userId AND token <> @token AND is_active;

            INSERT INTO push_tokens (user_id, token, platform) VALUES (@userId, @token, @platform)
            ON CONFLICT (token) DO UPDATE SET
                user_id = excluded.user_id, platform = excluded.platform,
                is_active = true, deactivated_at = NULL, updated_at = now();
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { userId, token, platform }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<int> DeactivatePushTokensOfAsync(Guid userId, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE push_tokens SET is_active = false, deactivated_at = now(), updated_at = now() WHERE user_id = @userId AND is_active";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { userId }, cancellationToken: cancellationToken));
    }

    /// <summary>The active tokens of active, unbanned users among the given ones.</summary>
    public async Task<IReadOnlyList<UserPushToken>> GetActivePushTokensAsync(Guid[] userIds, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT t.user_id, t.token FROM push_tokens t
            JOIN users u ON u.id = t.user_id AND u.is_active AND NOT u.is_banned
            WHERE t.user_id = ANY(@userIds) AND t.is_active
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<UserPushToken>(new CommandDefinition(sql, new { userIds }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>One statement for all tokens; a token registered (again) after the failed push stays active.</summary>
    public async Task<int> DeactivatePushTokensAsync(string[] tokens, DateTime[] sentAt, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE push_tokens p SET is_active = false, deactivated_at = now(), updated_at = now()
            FROM unnest(@tokens, @sentAt) AS dead (token, sent_at)
            WHERE p.token = dead.token AND p.is_active AND p.updated_at <= dead.sent_at
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { tokens, sentAt }, cancellationToken: cancellationToken));
    }

    public async Task<bool> DeleteAsync(Guid userId, IEnumerable<IAccountDataCleaner> cleaners, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Lock the row first so concurrent requests of this user wait for the deletion.
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM users WHERE id = @userId FOR UPDATE)", new { userId }, transaction, cancellationToken: cancellationToken));
        if (!exists)
        {
            return false;
        }
        foreach (var cleaner in cleaners)
        {
            await cleaner.RemoveUserAsync(userId, connection, transaction, cancellationToken);
        }
        // push_tokens, refresh_tokens and notification_settings go with the row (ON DELETE CASCADE);
        // polls, reports and analytics keep their rows with the user reference set to NULL.
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM users WHERE id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
