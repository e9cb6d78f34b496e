using Dapper;
using Npgsql;

namespace Circly.Core.Auth;

/// <summary>
/// Bans an account and its device. The ban outlives the account (banned_devices), ends every
/// session at once (refresh tokens revoked; access tokens are refused on their next use), and is
/// written to the admin audit log. For the moderation tools; there is no public endpoint.
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

    public async Task BanAsync(Guid userId, string reason, string actor, CancellationToken cancellationToken)
    {
        const string ban = """
            UPDATE users SET is_banned = true, updated_at = now() WHERE id = @userId;
            INSERT INTO banned_devices (device_id_hash, reason)
                SELECT device_id_hash, @reason FROM users WHERE id = @userId
                ON CONFLICT (device_id_hash) DO NOTHING;
            INSERT INTO admin_audit_log (actor, action, target_type, target_id, details)
                VALUES (@actor, 'ban_account', 'user', @userId::text, jsonb_build_object('reason', @reason));
            """;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ban, new { userId, reason, actor }, transaction, cancellationToken: cancellationToken));
        await _refreshTokens.RevokeAllForUserAsync(userId, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
