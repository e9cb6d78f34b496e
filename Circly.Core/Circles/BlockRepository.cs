using Dapper;
using Npgsql;

namespace Circly.Core.Circles;

/// <summary>All SQL on the blocks table.</summary>
internal sealed class BlockRepository(NpgsqlDataSource dataSource)
{
    private const string ViewColumns = $"""
        b.id, m.circle_id, b.blocked_member_id AS member_id, {Placeholders.NicknameSql} AS nickname, b.created_at
        """;

    /// <summary>
    /// Blocks the user behind an active member of a circle the blocker is active in; the existing
    /// block when there is one. Null when the member is not in such a circle (or is the blocker).
    /// </summary>
    public async Task<BlockView?> BlockAsync(Guid blockerId, Guid circleId, Guid memberId, CancellationToken cancellationToken)
    {
        const string sql = $"""
            WITH target AS (
                SELECT t.id, t.user_id FROM circle_members t
                JOIN circles c ON c.id = t.circle_id AND c.is_active
                WHERE t.id = @memberId AND t.circle_id = @circleId AND t.is_active AND t.user_id <> @blockerId
                  AND EXISTS (SELECT 1 FROM circle_members me WHERE me.circle_id = t.circle_id AND me.user_id = @blockerId AND me.is_active)
            ), added AS (
                INSERT INTO blocks (blocker_id, blocked_id, blocked_member_id)
                SELECT @blockerId, user_id, id FROM target
                ON CONFLICT (blocker_id, blocked_id) DO NOTHING
                RETURNING id
            )
            SELECT coalesce((SELECT id FROM added), (SELECT b.id FROM blocks b JOIN target ON b.blocked_id = target.user_id WHERE b.blocker_id = @blockerId))
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var blockId = await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(sql, new { blockerId, circleId, memberId }, cancellationToken: cancellationToken));
        return blockId is { } id ? (await ListAsync(blockerId, id, cancellationToken)).SingleOrDefault() : null;
    }

    public async Task<bool> UnblockAsync(Guid blockerId, Guid blockId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM blocks WHERE id = @blockId AND blocker_id = @blockerId",
            new { blockerId, blockId }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>The blocker's blocks, newest first; one of them when blockId is given.</summary>
    public async Task<IReadOnlyList<BlockView>> ListAsync(Guid blockerId, Guid? blockId, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {ViewColumns}
            FROM blocks b LEFT JOIN circle_members m ON m.id = b.blocked_member_id
            WHERE b.blocker_id = @blockerId AND (@blockId::uuid IS NULL OR b.id = @blockId)
            ORDER BY b.created_at DESC, b.id
            LIMIT 500
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<BlockView>(new CommandDefinition(sql, new { blockerId, blockId }, cancellationToken: cancellationToken))];
    }

    /// <summary>Everyone the user blocked or was blocked by.</summary>
    public async Task<IReadOnlySet<Guid>> BlockedEitherWayAsync(Guid userId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT blocked_id FROM blocks WHERE blocker_id = @userId
            UNION
            SELECT blocker_id FROM blocks WHERE blocked_id = @userId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(sql, new { userId }, cancellationToken: cancellationToken))).ToHashSet();
    }
}
