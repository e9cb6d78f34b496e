using Circly.Core.Database;
using Circly.Core.Outbox;
using Dapper;
using Npgsql;

namespace Circly.Core.Circles;

/// <summary>A circle with the caller's own membership of it.</summary>
internal sealed record CircleRow(
    Guid Id, string Name, int MemberCount, int MaxMembers, DateTimeOffset? ExpiresAt, DateTimeOffset CreatedAt,
    string InviteCode, string InviteLinkId, Guid MemberId, string Nickname, string Role, DateTimeOffset JoinedAt);

/// <summary>What a user is to an active circle: an active member (MemberId set), a former one (HasLeft), or nothing.</summary>
internal sealed record CircleAccess(Guid? MemberId, string? Role, bool HasLeft, int MemberCount);

internal enum JoinOutcome
{
    Joined,
    InvalidCode,
    Expired,
    AlreadyMember,
    Removed,
    Full,
    NicknameTaken,
}

/// <summary>All SQL on the circles and circle_members tables.</summary>
internal sealed class CircleRepository(NpgsqlDataSource dataSource)
{
    private const string UniqueViolation = "23505";
    private const int InviteAttempts = 8;

    private const string CircleColumns = $"""
        c.id, {Placeholders.CircleNameSql} AS name, c.member_count, c.max_members, c.expires_at, c.created_at, c.invite_code, c.invite_link_id,
        m.id AS member_id, {Placeholders.NicknameSql} AS nickname, m.role, m.joined_at
        """;

    public async Task<CircleRow?> GetAsync(Guid circleId, Guid userId, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {CircleColumns}
            FROM circles c JOIN circle_members m ON m.circle_id = c.id AND m.user_id = @userId AND m.is_active
            WHERE c.id = @circleId AND c.is_active
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CircleRow>(new CommandDefinition(sql, new { circleId, userId }, cancellationToken: cancellationToken));
    }

    public async Task<(IReadOnlyList<CircleRow> Items, int Total)> ListForUserAsync(Guid userId, int limit, int offset, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {CircleColumns}
            FROM circle_members m JOIN circles c ON c.id = m.circle_id
            WHERE m.user_id = @userId AND m.is_active AND c.is_active
            ORDER BY m.joined_at DESC, c.id
            LIMIT @limit OFFSET @offset;

            SELECT count(*)::int
            FROM circle_members m JOIN circles c ON c.id = m.circle_id
            WHERE m.user_id = @userId AND m.is_active AND c.is_active;
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, new { userId, limit, offset }, cancellationToken: cancellationToken));
        var items = (await results.ReadAsync<CircleRow>()).ToList();
        return (items, await results.ReadSingleAsync<int>());
    }

    /// <summary>What the user is to the circle; null when the circle does not exist or was deleted.</summary>
    public async Task<CircleAccess?> GetAccessAsync(Guid circleId, Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CircleAccess>(new CommandDefinition(AccessSql, new { circleId, userId }, cancellationToken: cancellationToken));
    }

    /// <summary>As GetAccessAsync, locking the circle row until the transaction ends: membership changes of a circle happen one at a time.</summary>
    public Task<CircleAccess?> LockAccessAsync(Guid circleId, Guid userId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<CircleAccess>(new CommandDefinition(AccessSql + " FOR UPDATE OF c", new { circleId, userId }, transaction, cancellationToken: cancellationToken));

    private const string AccessSql = """
        SELECT m.id AS member_id, m.role,
               EXISTS (SELECT 1 FROM circle_members p WHERE p.circle_id = c.id AND p.user_id = @userId AND NOT p.is_active) AS has_left,
               c.member_count
        FROM circles c
        LEFT JOIN circle_members m ON m.circle_id = c.id AND m.user_id = @userId AND m.is_active
        WHERE c.id = @circleId AND c.is_active
        """;

    /// <summary>The circle and its owner's membership, with a fresh invite code (a new one is drawn when one is taken).</summary>
    public async Task<Guid> CreateAsync(Guid userId, string name, string nickname, int maxMembers, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        const string insertCircle = """
            INSERT INTO circles (name, creator_id, invite_code, invite_link_id, max_members, member_count, expires_at)
            VALUES (@name, @userId, @code, @linkId, @maxMembers, 1, @expiresAt)
            ON CONFLICT DO NOTHING
            RETURNING id
            """;
        const string insertOwner = """
            INSERT INTO circle_members (circle_id, user_id, nickname, nickname_skeleton, role) VALUES (@circleId, @userId, @nickname, @skeleton, 'owner')
            """;
        var skeleton = Confusables.Skeleton(nickname);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        for (var attempt = 0; attempt < InviteAttempts; attempt++)
        {
            var created = await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(insertCircle,
                new { name, userId, code = InviteCodes.NewCode(), linkId = InviteCodes.NewLinkId(), maxMembers, expiresAt }, transaction, cancellationToken: cancellationToken));
            if (created is { } circleId)
            {
                await connection.ExecuteAsync(new CommandDefinition(insertOwner, new { circleId, userId, nickname, skeleton }, transaction, cancellationToken: cancellationToken));
                await OutboxWriter.AddAsync(connection, transaction, OutboxEventTypes.CircleCreated, new CircleCreated(circleId, userId), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return circleId;
            }
        }
        throw new InvalidOperationException($"No free invite code after {InviteAttempts} draws.");
    }

    /// <summary>
    /// Joins by invite code or link id. The member count goes up in one conditional UPDATE that
    /// also locks the circle row, in the transaction that inserts the member: however many join at
    /// once, the count never passes the limit and always equals the active members.
    /// </summary>
    public async Task<(JoinOutcome Outcome, Guid CircleId)> JoinAsync(string? code, string? linkId, Guid userId, string nickname, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string find = """
            SELECT c.id, coalesce(c.expires_at <= @now, false) AS expired,
                   CASE WHEN bool_or(m.is_active) THEN 'active' WHEN bool_or(m.removed_at IS NOT NULL) THEN 'removed' END AS standing
            FROM circles c
            LEFT JOIN circle_members m ON m.circle_id = c.id AND m.user_id = @userId
            WHERE c.is_active AND (c.invite_code = @code OR c.invite_link_id = @linkId)
            GROUP BY c.id
            """;
        // The key is checked again here: a code regenerated while this join waited for the lock no longer works.
        const string claimSeat = """
            UPDATE circles SET member_count = member_count + 1, updated_at = now()
            WHERE id = @circleId AND is_active AND (invite_code = @code OR invite_link_id = @linkId)
              AND member_count < max_members AND (expires_at IS NULL OR expires_at > @now)
            RETURNING member_count
            """;
        const string why = """
            SELECT is_active AND (invite_code = @code OR invite_link_id = @linkId) AS usable, coalesce(expires_at <= @now, false) AS expired
            FROM circles WHERE id = @circleId
            """;
        // Look-alikes count as the same nickname (Confusables), and a removed member's nickname stays
        // reserved in the circle: coming back on a new account under the same name does not work.
        const string nicknameTaken = """
            SELECT EXISTS (SELECT 1 FROM circle_members
                           WHERE circle_id = @circleId AND (is_active OR removed_at IS NOT NULL) AND nickname_skeleton = @skeleton)
            """;
        const string insertMember = """
            INSERT INTO circle_members (circle_id, user_id, nickname, nickname_skeleton, role) VALUES (@circleId, @userId, @nickname, @skeleton, 'member')
            """;
        var skeleton = Confusables.Skeleton(nickname);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var circle = await connection.QuerySingleOrDefaultAsync<(Guid Id, bool Expired, string? Standing)>(
            new CommandDefinition(find, new { code, linkId, userId, now }, transaction, cancellationToken: cancellationToken));
        if (circle.Id == Guid.Empty)
        {
            return (JoinOutcome.InvalidCode, Guid.Empty);
        }
        var circleId = circle.Id;
        var early = circle switch
        {
            { Expired: true } => JoinOutcome.Expired,
            { Standing: "active" } => JoinOutcome.AlreadyMember,
            { Standing: "removed" } => JoinOutcome.Removed,
            _ => JoinOutcome.Joined,
        };
        if (early != JoinOutcome.Joined)
        {
            return (early, circleId);
        }

        var seats = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(claimSeat, new { circleId, code, linkId, now }, transaction, cancellationToken: cancellationToken));
        if (seats is null)
        {
            var state = await connection.QuerySingleAsync<(bool Usable, bool Expired)>(new CommandDefinition(why, new { circleId, code, linkId, now }, transaction, cancellationToken: cancellationToken));
            return (!state.Usable ? JoinOutcome.InvalidCode : state.Expired ? JoinOutcome.Expired : JoinOutcome.Full, circleId);
        }
        // From here on this transaction holds the circle's row lock: other joins wait, so the check is exact.
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(nicknameTaken, new { circleId, skeleton }, transaction, cancellationToken: cancellationToken)))
        {
            return (JoinOutcome.NicknameTaken, circleId);
        }
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(insertMember, new { circleId, userId, nickname, skeleton }, transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException conflict) when (conflict.SqlState == UniqueViolation)
        {
            // The same user joining twice at the same moment; the transaction rolls back.
            return (conflict.ConstraintName == "idx_circle_members_nickname_skeleton" ? JoinOutcome.NicknameTaken : JoinOutcome.AlreadyMember, circleId);
        }
        await OutboxWriter.AddAsync(connection, transaction, OutboxEventTypes.CircleJoined, new CircleJoined(circleId, userId), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (JoinOutcome.Joined, circleId);
    }

    /// <summary>False when the new limit is below the circle's member count.</summary>
    public async Task<bool> UpdateAsync(Guid circleId, string? name, int? maxMembers, DateTimeOffset? expiresAt, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE circles SET
                name = coalesce(@name, name),
                max_members = coalesce(@maxMembers, max_members),
                expires_at = coalesce(@expiresAt, expires_at),
                updated_at = now()
            WHERE id = @circleId AND is_active AND member_count <= coalesce(@maxMembers, max_members)
            """;
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { circleId, name, maxMembers, expiresAt }, transaction, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// The circle stops being visible with everything in it. Member rows stay as they were, so
    /// nicknames on past polls remain; the invite code is free for other circles.
    /// </summary>
    public Task DeactivateCircleAsync(Guid circleId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("UPDATE circles SET is_active = false, updated_at = now() WHERE id = @circleId",
            new { circleId }, transaction, cancellationToken: cancellationToken));

    /// <summary>A new code and link id; the old ones stop working when this commits.</summary>
    public async Task RegenerateInviteAsync(Guid circleId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE circles SET invite_code = @code, invite_link_id = @linkId, updated_at = now() WHERE id = @circleId";
        for (var attempt = 0; attempt < InviteAttempts; attempt++)
        {
            await transaction.SaveAsync("invite", cancellationToken);
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(sql, new { circleId, code = InviteCodes.NewCode(), linkId = InviteCodes.NewLinkId() }, transaction, cancellationToken: cancellationToken));
                await transaction.ReleaseAsync("invite", cancellationToken);
                return;
            }
            catch (PostgresException taken) when (taken.SqlState == UniqueViolation)
            {
                await transaction.RollbackAsync("invite", cancellationToken);
            }
        }
        throw new InvalidOperationException($"No free invite code after {InviteAttempts} draws.");
    }

    public async Task<IReadOnlyList<CircleMemberView>> ListMembersAsync(Guid circleId, Guid userId, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT m.id AS member_id, {Placeholders.NicknameSql} AS nickname, m.role, m.joined_at, m.user_id = @userId AS is_me
            FROM circle_members m WHERE m.circle_id = @circleId AND m.is_active
            ORDER BY m.joined_at, m.id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<CircleMemberView>(new CommandDefinition(sql, new { circleId, userId }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Whether the member id is an active member of this circle.</summary>
    public Task<bool> IsActiveMemberAsync(Guid circleId, Guid memberId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM circle_members WHERE id = @memberId AND circle_id = @circleId AND is_active)",
            new { circleId, memberId }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Ends these memberships (leaving, removal, account deletion), set-based: each row is kept
    /// with is_active = false and left_at (its nickname stays on past polls), member counts drop,
    /// a circle whose owner went passes to its longest-standing active member, and a circle with
    /// nobody left is closed. Circle rows are locked in id order so concurrent calls cannot deadlock.
    /// Returns the circles that were closed.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> EndMembershipsAsync(Guid[] memberIds, bool removedByOwner, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        const string lockCircles = """
            SELECT id FROM circles WHERE id IN (SELECT circle_id FROM circle_members WHERE id = ANY(@memberIds) AND is_active)
            ORDER BY id FOR UPDATE
            """;
        const string end = """
            WITH gone AS (
                UPDATE circle_members SET is_active = false, left_at = now(), removed_at = CASE WHEN @removedByOwner THEN now() END
                WHERE id = ANY(@memberIds) AND is_active
                RETURNING circle_id
            ), per_circle AS (
                SELECT circle_id, count(*)::int AS leaving FROM gone GROUP BY circle_id
            )
            UPDATE circles c SET
                member_count = c.member_count - p.leaving,
                is_active = c.is_active AND c.member_count - p.leaving > 0,
                updated_at = now()
            FROM per_circle p
            WHERE c.id = p.circle_id
            RETURNING c.id, c.is_active, c.member_count = 0 AS emptied
            """;
        const string handOver = """
            UPDATE circle_members m SET role = 'owner'
            FROM (
                SELECT DISTINCT ON (circle_id) id, circle_id FROM circle_members
                WHERE circle_id = ANY(@circleIds) AND is_active
                ORDER BY circle_id, joined_at, id
            ) heir
            WHERE m.id = heir.id
              AND NOT EXISTS (SELECT 1 FROM circle_members o WHERE o.circle_id = heir.circle_id AND o.is_active AND o.role = 'owner')
            """;
        if (memberIds.Length == 0)
        {
            return [];
        }
        await connection.ExecuteAsync(new CommandDefinition(lockCircles, new { memberIds }, transaction, cancellationToken: cancellationToken));
        var circles = (await connection.QueryAsync<(Guid Id, bool IsActive, bool Emptied)>(
            new CommandDefinition(end, new { memberIds, removedByOwner }, transaction, cancellationToken: cancellationToken))).ToList();
        var stillOpen = circles.Where(c => c.IsActive).Select(c => c.Id).ToArray();
        if (stillOpen.Length > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(handOver, new { circleIds = stillOpen }, transaction, cancellationToken: cancellationToken));
        }
        return [.. circles.Where(c => c.Emptied).Select(c => c.Id)];
    }

    public async Task<Guid[]> ActiveMembershipIdsAsync(Guid userId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<Guid>(new CommandDefinition("SELECT id FROM circle_members WHERE user_id = @userId AND is_active",
            new { userId }, transaction, cancellationToken: cancellationToken))];

    /// <summary>The circle behind an active code, expired or full ones included (the page says so).</summary>
    public async Task<InvitePreview?> FindInvitePreviewAsync(string code, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT c.invite_code, {Placeholders.CircleNameSql} AS name, c.member_count,
                   coalesce(c.expires_at <= @now, false) AS is_expired, c.member_count >= c.max_members AS is_full
            FROM circles c
            WHERE c.invite_code = @code AND c.is_active
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<InvitePreview>(new CommandDefinition(sql, new { code, now }, cancellationToken: cancellationToken));
    }

    // ---- What other modules read and write (the contract on CircleService) ----

    public async Task<CircleMembership?> FindMembershipAsync(Guid circleId, Guid userId, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT m.circle_id, m.id AS member_id, {Placeholders.NicknameSql} AS nickname, m.role
            FROM circle_members m JOIN circles c ON c.id = m.circle_id
            WHERE m.circle_id = @circleId AND m.user_id = @userId AND m.is_active AND c.is_active
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CircleMembership>(new CommandDefinition(sql, new { circleId, userId }, cancellationToken: cancellationToken));
    }

    public async Task<bool> HasLeftAsync(Guid circleId, Guid userId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT EXISTS (
                SELECT 1 FROM circles c
                WHERE c.id = @circleId AND c.is_active
                  AND EXISTS (SELECT 1 FROM circle_members m WHERE m.circle_id = c.id AND m.user_id = @userId AND NOT m.is_active)
                  AND NOT EXISTS (SELECT 1 FROM circle_members m WHERE m.circle_id = c.id AND m.user_id = @userId AND m.is_active))
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { circleId, userId }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<CircleMemberRef>> GetActiveMembersAsync(Guid circleId, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT m.id AS member_id, m.user_id, {Placeholders.NicknameSql} AS nickname
            FROM circle_members m JOIN circles c ON c.id = m.circle_id
            WHERE m.circle_id = @circleId AND m.is_active AND c.is_active
            ORDER BY m.joined_at, m.id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<CircleMemberRef>(new CommandDefinition(sql, new { circleId }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<IReadOnlyList<Guid>> GetCircleIdsOfUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT m.circle_id FROM circle_members m JOIN circles c ON c.id = m.circle_id
            WHERE m.user_id = @userId AND m.is_active AND c.is_active
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(sql, new { userId }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<IReadOnlyList<Guid>> ActiveAmongAsync(Guid[] circleIds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(
            "SELECT id FROM circles WHERE id = ANY(@circleIds) AND is_active", new { circleIds }, cancellationToken: cancellationToken))).ToList();
    }

    public Task RecordPollCreatedAsync(Guid memberId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("UPDATE circle_members SET polls_created = polls_created + 1 WHERE id = @memberId",
            new { memberId }, transaction, cancellationToken: cancellationToken));

    // ---- Moderation: reports, auto-hide, the admin API ----

    public async Task<ModeratedMember?> FindMemberAsync(Guid memberId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT id AS member_id, circle_id, user_id, nickname, nickname_hidden, is_active, joined_at
            FROM circle_members WHERE id = @memberId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ModeratedMember>(new CommandDefinition(sql, new { memberId }, cancellationToken: cancellationToken));
    }

    public async Task<ModeratedCircle?> FindCircleAsync(Guid circleId, CancellationToken cancellationToken)
    {
        const string sql = "SELECT id, name, name_hidden, is_active, member_count, created_at FROM circles WHERE id = @circleId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ModeratedCircle>(new CommandDefinition(sql, new { circleId }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<ModeratedMember>> MembershipsOfUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT id AS member_id, circle_id, user_id, nickname, nickname_hidden, is_active, joined_at
            FROM circle_members WHERE user_id = @userId ORDER BY joined_at DESC LIMIT 200
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<ModeratedMember>(new CommandDefinition(sql, new { userId }, cancellationToken: cancellationToken))];
    }

    /// <summary>Members of the circle whose nickname is hidden, for the options of polls opened before it was.</summary>
    public async Task<IReadOnlyList<Guid>> HiddenNicknameMemberIdsAsync(Guid circleId, CancellationToken cancellationToken)
    {
        const string sql = "SELECT id FROM circle_members WHERE circle_id = @circleId AND nickname_hidden";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<Guid>(new CommandDefinition(sql, new { circleId }, cancellationToken: cancellationToken))];
    }

    public Task<int> SetNicknameHiddenAsync(Guid memberId, bool hidden, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("UPDATE circle_members SET nickname_hidden = @hidden WHERE id = @memberId",
            new { memberId, hidden }, transaction, cancellationToken: cancellationToken));

    public Task<int> SetCircleNameHiddenAsync(Guid circleId, bool hidden, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("UPDATE circles SET name_hidden = @hidden, updated_at = now() WHERE id = @circleId",
            new { circleId, hidden }, transaction, cancellationToken: cancellationToken));

    /// <summary>A new nickname chosen by nobody, unique in the circle (a longer tag when a short one is taken).</summary>
    public async Task<bool> RenameMemberAsync(Guid memberId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE circle_members SET nickname = @nickname, nickname_skeleton = @skeleton, nickname_hidden = false
            WHERE id = @memberId
            """;
        for (var attempt = 0; attempt < InviteAttempts; attempt++)
        {
            var nickname = Placeholders.RenamedNickname(memberId, attempt);
            await transaction.SaveAsync("rename", cancellationToken);
            try
            {
                var changed = await connection.ExecuteAsync(new CommandDefinition(sql, new { memberId, nickname, skeleton = Confusables.Skeleton(nickname) }, transaction, cancellationToken: cancellationToken));
                await transaction.ReleaseAsync("rename", cancellationToken);
                return changed == 1;
            }
            catch (PostgresException taken) when (taken.SqlState == UniqueViolation)
            {
                await transaction.RollbackAsync("rename", cancellationToken);
            }
        }
        throw new InvalidOperationException($"No free placeholder nickname after {InviteAttempts} tries.");
    }

    public async Task<bool> RenameCircleAsync(Guid circleId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE circles SET name = @name, name_hidden = false, updated_at = now() WHERE id = @circleId",
            new { circleId, name = Placeholders.RenamedCircle(circleId) }, transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>Runs work in one transaction on one connection and commits; anything thrown rolls it back.</summary>
    public async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Retention: circles deleted (or emptied) before the cutoff, with their memberships and polls (cascade).</summary>
    public Task<int> DeleteInactiveAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        BatchedDelete.RunAsync(dataSource, InactiveCircles, new { cutoff = before }, cancellationToken, batch: 200);

    // Chunks of 200 circles: each takes its members and polls along.
    private static readonly string InactiveCircles = BatchedDelete.Statement("circles", "updated_at", "NOT is_active AND updated_at < @cutoff");
}
