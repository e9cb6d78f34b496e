using Circly.Core.Database;
using Circly.Core.Outbox;
using Dapper;
using Npgsql;

namespace Circly.Core.Polls;

// A class rather than a positional record: Dapper maps integer[] through a setter, not a constructor.
internal sealed class PollRow
{
    public Guid Id { get; init; }
    public Guid CircleId { get; init; }
    public Guid? CreatorId { get; init; }
    public Guid TemplateId { get; init; }
    public string QuestionText { get; init; } = "";
    public DateTimeOffset Deadline { get; init; }
    public bool IsAnonymous { get; init; }
    public bool IsActive { get; init; }
    public bool IsClosed { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public int TotalVotes { get; init; }
    public int EligibleVoters { get; init; }
    public int Version { get; init; }
    public int[] VoteCounts { get; init; } = [];
    public int VisibleVotes { get; init; }
    public int[] VisibleCounts { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed record OptionRow(Guid Id, Guid? MemberId, string MemberNickname, int DisplayOrder);

internal sealed record PollState(PollRow Poll, IReadOnlyList<OptionRow> Options, bool Voted);

internal sealed record NewOption(Guid MemberId, string Nickname, int DisplayOrder);

internal sealed record VoteOutcome(bool Counted, int VisibleVotes);

internal sealed record PollTag(int Version, bool IsClosed, DateTimeOffset Deadline, bool Voted);

internal sealed record ListedPoll(
    Guid Id, Guid CircleId, string QuestionText, DateTimeOffset Deadline, bool IsClosed, int TotalVotes, int TotalParticipants,
    bool IsCreator, DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt, long Total);

/// <summary>All SQL on polls, poll_options and poll_participations.</summary>
internal sealed class PollRepository(NpgsqlDataSource dataSource)
{
    private const string PollColumns = """
        id, circle_id, creator_id, template_id, question_text, deadline, is_anonymous, is_active, is_closed, closed_at,
        total_votes, eligible_voters, version, vote_counts, visible_votes, visible_counts, created_at
        """;

    /// <summary>The poll, its options and whether this voter took part: one round trip.</summary>
    public async Task<PollState?> LoadAsync(Guid pollId, byte[] voterHash, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {PollColumns} FROM polls WHERE id = @pollId;
            SELECT id, member_id, member_nickname, display_order FROM poll_options WHERE poll_id = @pollId ORDER BY display_order;
            SELECT EXISTS (SELECT 1 FROM poll_participations WHERE poll_id = @pollId AND voter_hash = @voterHash);
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, new { pollId, voterHash }, cancellationToken: cancellationToken));
        var poll = await results.ReadSingleOrDefaultAsync<PollRow>();
        var options = (await results.ReadAsync<OptionRow>()).ToList();
        var voted = await results.ReadSingleAsync<bool>();
        return poll is null ? null : new PollState(poll, options, voted);
    }

    /// <summary>
    /// What a poll's ETag is made of, in one statement, for a caller who may see the poll: it is
    /// active, the caller is an active member of its circle and neither they nor its creator
    /// blocked the other (the same rules as PollService's full read). Null otherwise.
    /// </summary>
    public async Task<PollTag?> FindTagAsync(Guid pollId, Guid userId, byte[] voterHash, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT p.version, p.is_closed, p.deadline,
                   EXISTS (SELECT 1 FROM poll_participations pp WHERE pp.poll_id = p.id AND pp.voter_hash = @voterHash) AS voted
            FROM polls p
            JOIN active_circle_members me ON me.circle_id = p.circle_id AND me.user_id = @userId
            WHERE p.id = @pollId AND p.is_active
              AND NOT EXISTS (SELECT 1 FROM user_separations s WHERE s.user_id = @userId AND s.other_id = p.creator_id)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<PollTag>(new CommandDefinition(sql, new { pollId, userId, voterHash }, cancellationToken: cancellationToken));
    }

    public async Task<Guid> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid circleId, Guid creatorId, Guid templateId,
        string questionText, DateTimeOffset deadline, int eligibleVoters, IReadOnlyList<NewOption> options, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH poll AS (
                INSERT INTO polls (circle_id, creator_id, template_id, question_text, deadline, eligible_voters, vote_counts, visible_counts)
                VALUES (@circleId, @creatorId, @templateId, @questionText, @deadline, @eligibleVoters, array_fill(0, ARRAY[@optionCount]), array_fill(0, ARRAY[@optionCount]))
                RETURNING id
            ), options AS (
                INSERT INTO poll_options (poll_id, member_id, member_nickname, display_order)
                SELECT poll.id, o.member_id, o.nickname, o.display_order
                FROM poll, unnest(@memberIds, @nicknames, @displayOrders) AS o (member_id, nickname, display_order)
            )
            SELECT id FROM poll
            """;
        return await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(sql, new
        {
            circleId, creatorId, templateId, questionText, deadline, eligibleVoters,
            optionCount = options.Count,
            memberIds = options.Select(o => o.MemberId).ToArray(),
            nicknames = options.Select(o => o.Nickname).ToArray(),
            displayOrders = options.Select(o => o.DisplayOrder).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The whole vote in one statement (one round trip): the poll is active, open and before its
    /// deadline; the caller is an active member of its circle (the Circles module's published view
    /// active_circle_members) who was one of its options at the start, or its creator; neither the
    /// caller nor the creator blocked the other (user_separations); the option belongs to the poll
    /// and is not the caller. Then it locks the poll row, records the participation (the primary
    /// key refuses a second one) and counts the choice in the poll row's array. Nothing links the
    /// hash to the choice: the user id and the option are only read here, never written.
    /// What members see (visible_counts, visible_votes, version = the ETag) is copied from the counts
    /// only when at least <paramref name="step"/> votes are not shown yet and at least as many
    /// members may still vote, so neither this step nor the close ever shows fewer than
    /// <paramref name="step"/> votes at once when everyone votes. The vote that completes the poll
    /// only sets close_after (now + <paramref name="closeDelay"/>): it closes nothing. The counted vote writes its
    /// VoteCast event in the same statement (poll and circle only, to the minute: docs/ANONYMITY.md "Analytics");
    /// the outbox sweep delivers it, so the vote costs no extra round trip.
    /// Not counted means refused for any reason: PollService works out which one, off the fast path.
    /// </summary>
    public async Task<VoteOutcome> VoteAsync(Guid pollId, Guid userId, Guid optionId, byte[] voterHash, int step, TimeSpan closeDelay, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<VoteOutcome>(new CommandDefinition(VoteSql,
            new { pollId, userId, optionId, voterHash, step, closeDelay }, cancellationToken: cancellationToken));
    }

    private const string Shows = "(p.total_votes + 1 - p.visible_votes >= @step AND p.eligible_voters - (p.total_votes + 1) >= @step)";

    /// <summary>The vote's statement; bench/Circly.Bench/vote.pgbench.sql runs the same SQL as the vote limit.</summary>
    internal const string VoteSql = $"""
        WITH target AS (
            SELECT p.id, o.display_order + 1 AS slot
            FROM polls p
            JOIN active_circle_members me ON me.circle_id = p.circle_id AND me.user_id = @userId
            JOIN poll_options o ON o.poll_id = p.id AND o.id = @optionId AND o.member_id IS DISTINCT FROM me.member_id
            WHERE p.id = @pollId AND p.is_active AND NOT p.is_closed AND p.deadline > now()
              AND (p.creator_id = @userId OR EXISTS (SELECT 1 FROM poll_options mine WHERE mine.poll_id = p.id AND mine.member_id = me.member_id))
              AND NOT EXISTS (SELECT 1 FROM user_separations s WHERE s.user_id = @userId AND s.other_id = p.creator_id)
            FOR UPDATE OF p
        ), participation AS (
            INSERT INTO poll_participations (poll_id, voter_hash)
            SELECT id, @voterHash FROM target
            ON CONFLICT DO NOTHING
            RETURNING poll_id
        ), counted AS (
            UPDATE polls p SET
                vote_counts[t.slot] = p.vote_counts[t.slot] + 1,
                total_votes = p.total_votes + 1,
                visible_counts = CASE WHEN {Shows}
                    THEN p.vote_counts[:(t.slot - 1)] || (p.vote_counts[t.slot] + 1) || p.vote_counts[(t.slot + 1):]
                    ELSE p.visible_counts END,
                visible_votes = CASE WHEN {Shows} THEN p.total_votes + 1 ELSE p.visible_votes END,
                version = CASE WHEN {Shows} THEN p.version + 1 ELSE p.version END,
                updated_at = CASE WHEN {Shows} THEN now() ELSE p.updated_at END,
                close_after = CASE WHEN p.total_votes + 1 >= p.eligible_voters THEN now() + @closeDelay ELSE p.close_after END
            FROM participation JOIN target t ON t.id = participation.poll_id
            WHERE p.id = participation.poll_id
            RETURNING p.id, p.circle_id, p.visible_votes
        ), announced AS (
            {OutboxSql.VoteCastFromCounted}
        )
        SELECT EXISTS (SELECT 1 FROM counted) AS counted, coalesce((SELECT visible_votes FROM counted), 0) AS visible_votes
        """;

    /// <summary>The polls a list shows, within one of the caller's circles: not hidden, not by someone blocked either way, by status.</summary>
    private const string ListedFilter = """
        is_active AND NOT coalesce(creator_id = ANY(@hiddenCreators), false)
          AND CASE @status
                WHEN 'active' THEN NOT is_closed AND deadline > now()
                WHEN 'closed' THEN (is_closed OR deadline <= now()) AND coalesce(closed_at, deadline) > now() - interval '30 days'
                ELSE NOT is_closed OR closed_at > now() - interval '30 days'
              END
        """;

    /// <summary>How many polls past the page the list's total counts at most (docs/API.md, "Polls").</summary>
    internal const int TotalLookahead = 100;

    /// <summary>
    /// The listed polls, counted up to <see cref="TotalLookahead"/> past the page: per circle through
    /// idx_polls_circle_recent, each stopping at the cap, so the count costs the same whether the
    /// caller's circles hold a hundred polls or a hundred thousand.
    /// </summary>
    private const string CappedTotal = $"""
        FROM (
            SELECT 1 FROM unnest(@circleIds) AS mine (circle_id)
            CROSS JOIN LATERAL (
                SELECT 1 FROM polls WHERE polls.circle_id = mine.circle_id AND {ListedFilter}
                ORDER BY created_at DESC, id -- an ordered index read that stops at the cap (a bitmap scan would read the circle's whole index range)
                LIMIT @offset::bigint + @limit + @lookahead
            ) AS one
            LIMIT @offset::bigint + @limit + @lookahead
        ) AS listed
        """;

    /// <summary>
    /// A page and the list's total (counted up to <see cref="TotalLookahead"/> past the page). Each of
    /// the caller's circles gives its newest offset + limit polls in the page's order (an ordered
    /// read of idx_polls_circle_recent that stops there), and the page is taken from their merge:
    /// the cost follows the page, not the number of polls. The total comes with the rows; a page
    /// past the end has no rows to carry it, so it is counted on its own.
    /// </summary>
    public async Task<(ListedPoll[] Page, int Total)> ListAsync(Guid userId, Guid[] circleIds, Guid[] hiddenCreators, PollStatusFilter status, int limit, int offset, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT p.*, (SELECT count(*) {CappedTotal}) AS total
            FROM unnest(@circleIds) AS mine (circle_id)
            CROSS JOIN LATERAL (
                SELECT id, circle_id, question_text, deadline, (is_closed OR deadline <= now()) AS is_closed,
                       CASE WHEN is_closed OR deadline <= now() THEN total_votes ELSE visible_votes END AS total_votes,
                       eligible_voters AS total_participants, creator_id IS NOT DISTINCT FROM @userId AS is_creator, created_at, closed_at
                FROM polls WHERE polls.circle_id = mine.circle_id AND {ListedFilter}
                ORDER BY created_at DESC, id
                LIMIT @offset::bigint + @limit
            ) AS p
            ORDER BY p.created_at DESC, p.id
            LIMIT @limit OFFSET @offset
            """;
        var parameters = new { userId, circleIds, hiddenCreators, status = status.ToString().ToLowerInvariant(), limit, offset, lookahead = TotalLookahead };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var page = (await connection.QueryAsync<ListedPoll>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToArray();
        var total = await PageTotal.OfAsync(connection, page.FirstOrDefault()?.Total, offset, CappedTotal, parameters, cancellationToken);
        return (page, total);
    }

    /// <summary>Which of these (poll, hash) pairs have a participation row.</summary>
    public async Task<HashSet<Guid>> ParticipatedAsync(Guid[] pollIds, byte[][] voterHashes, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT pp.poll_id FROM poll_participations pp
            JOIN unnest(@pollIds, @voterHashes) AS wanted (poll_id, voter_hash)
              ON pp.poll_id = wanted.poll_id AND pp.voter_hash = wanted.voter_hash
            """;
        if (pollIds.Length == 0)
        {
            return [];
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(sql, new { pollIds, voterHashes }, cancellationToken: cancellationToken))).ToHashSet();
    }

    /// <summary>The deadline moves only while the poll is open and its deadline has not passed.</summary>
    public async Task<bool> MoveDeadlineAsync(Guid pollId, DateTimeOffset deadline, TimeSpan reminderLead, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE polls SET deadline = @deadline, version = version + 1, updated_at = now(),
                deadline_reminded = deadline_reminded AND @deadline <= now() + @reminderLead
            WHERE id = @pollId AND is_active AND NOT is_closed AND deadline > now()
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { pollId, deadline, reminderLead }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>A poll as a moderator sees it: never its counts, participations or anything about votes.</summary>
    public async Task<ModeratedPoll?> FindForModerationAsync(Guid pollId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT p.id, p.circle_id, p.creator_id, p.question_text, p.deadline, p.is_active, p.is_closed, p.created_at,
                   coalesce((SELECT array_agg(o.member_nickname ORDER BY o.display_order) FROM poll_options o WHERE o.poll_id = p.id), '{}') AS option_nicknames
            FROM polls p WHERE p.id = @pollId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ModeratedPoll>(new CommandDefinition(sql, new { pollId }, cancellationToken: cancellationToken));
    }

    public Task<int> DeactivateAsync(Guid pollId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("UPDATE polls SET is_active = false, version = version + 1, updated_at = now() WHERE id = @pollId AND is_active",
            new { pollId }, transaction, cancellationToken: cancellationToken));

    public async Task DeactivateAsync(Guid pollId, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE polls SET is_active = false, version = version + 1, updated_at = now() WHERE id = @pollId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { pollId }, cancellationToken: cancellationToken));
    }

    /// <summary>Which of these polls exist and are not deleted, with their circles.</summary>
    public async Task<IReadOnlyList<(Guid Id, Guid CircleId)>> ActiveAmongAsync(Guid[] pollIds, CancellationToken cancellationToken)
    {
        const string sql = "SELECT id, circle_id FROM polls WHERE id = ANY(@pollIds) AND is_active";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<(Guid, Guid)>(new CommandDefinition(sql, new { pollIds }, cancellationToken: cancellationToken))];
    }

    /// <summary>
    /// Closes every open poll past its deadline, or complete and past its random close_after, shows
    /// all of its counts and writes one PollClosed event each. Each statement closes a chunk and
    /// writes its events as a CTE of the same statement (no round trip of the payloads through
    /// C#); the chunks repeat until one comes back short, so a backlog commits progressively and no
    /// transaction holds more than a chunk's row locks. The chunk is picked without locking it first
    /// (a FOR UPDATE would write a lock into each row before the update writes it again): a
    /// concurrent run that picked the same polls waits on the update's row locks, then re-checks
    /// the condition on the closed rows (<c>NOT is_closed</c>) and skips them.
    /// The pick reads the deadline and close_after indexes from the watermark (poll_closing, less
    /// <see cref="CloseMargin"/>) on: no index names is_closed, so closing is a HOT update (migration
    /// 0065). A run that closed everything moves the watermark to its own start.
    /// </summary>
    public async Task<List<Guid>> CloseExpiredAsync(CancellationToken cancellationToken, int chunk = CloseChunk)
    {
        var events = new List<Guid>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var (closedThrough, start) = await connection.QuerySingleAsync<(DateTimeOffset, DateTimeOffset)>(
            new CommandDefinition("SELECT closed_through, now() FROM poll_closing", cancellationToken: cancellationToken));
        var from = closedThrough - CloseMargin;
        while (true)
        {
            var closed = (await connection.QueryAsync<Guid>(new CommandDefinition(CloseExpiredSql, new { chunk, from },
                commandTimeout: 300, cancellationToken: cancellationToken))).AsList();
            events.AddRange(closed);
            if (closed.Count < chunk)
            {
                break;
            }
        }
        // Everything that expired by the start of this run and was committed then is closed now (a
        // concurrent run's rows included: this run's update waited for them). greatest(): an
        // overlapping run that started later may have finished first.
        await connection.ExecuteAsync(new CommandDefinition("UPDATE poll_closing SET closed_through = greatest(closed_through, @start)",
            new { start }, cancellationToken: cancellationToken));
        return events;
    }

    /// <summary>Polls one closing statement closes at most (bench/README.md, issue 16: the closing timer).</summary>
    internal const int CloseChunk = 25_000;

    /// <summary>
    /// How far before the watermark the closing timer still looks: a deadline or close_after is
    /// always set in the future (minutes at least) by a transaction that commits within seconds,
    /// so no row that a finished run could not see expires this long before that run's start.
    /// </summary>
    internal static readonly TimeSpan CloseMargin = TimeSpan.FromHours(1);

    private const string Expired = """
        is_active AND NOT is_closed
          AND ((deadline <= now() AND deadline > @from) OR (close_after <= now() AND close_after > @from))
        """;

    /// <summary>
    /// One chunk of the closing timer (bench/Circly.Bench explains it as the SQL alone). It leaves
    /// updated_at alone (the time of the last edit or the deletion, which retention of deleted polls
    /// reads through an index): changing it would make the update non-HOT.
    /// </summary>
    internal static readonly string CloseExpiredSql = $"""
        WITH closed AS (
            UPDATE polls SET is_closed = true, closed_at = now(), version = version + 1,
                visible_counts = vote_counts, visible_votes = total_votes
            WHERE id IN (SELECT id FROM polls WHERE {Expired} LIMIT @chunk) AND {Expired}
            RETURNING id, circle_id, question_text, total_votes, eligible_voters
        ), announced AS (
            {OutboxSql.InsertFrom(OutboxEventTypes.PollClosed, ClosedPayload, "closed")}
        )
        SELECT id FROM announced
        """;

    // The PollClosed record's fields, camelCase as OutboxWriter serializes records.
    private const string ClosedPayload =
        "jsonb_build_object('pollId', id, 'circleId', circle_id, 'questionText', question_text, 'totalVotes', total_votes, 'eligibleVoters', eligible_voters)";

    /// <summary>Marks open polls whose deadline is within the lead time and writes one PollDeadlineSoon event each.</summary>
    public async Task<Guid[]> AnnounceDeadlinesAsync(TimeSpan lead, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE polls SET deadline_reminded = true
            WHERE is_active AND NOT is_closed AND NOT deadline_reminded AND deadline > now() AND deadline <= now() + @lead
            RETURNING id AS poll_id, circle_id, question_text, deadline
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var due = await connection.QueryAsync<PollDeadlineSoon>(new CommandDefinition(sql, new { lead }, transaction, cancellationToken: cancellationToken));
        var events = await OutboxWriter.AddManyAsync(connection, transaction, OutboxEventTypes.PollDeadlineSoon, due, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return events;
    }

    /// <summary>Retention: polls closed before one cutoff or deleted before the other; options and participation hashes go with them.</summary>
    public async Task<int> DeleteOldAsync(DateTimeOffset closedBefore, DateTimeOffset deletedBefore, CancellationToken cancellationToken) =>
        await BatchedDelete.RunAsync(dataSource, ClosedPolls, new { cutoff = closedBefore }, cancellationToken, batch: 2_000)
        + await BatchedDelete.RunAsync(dataSource, DeletedPolls, new { cutoff = deletedBefore }, cancellationToken, batch: 2_000);

    // Chunks of 2,000 polls: each takes its options and participation hashes along (about 20 rows per poll).
    // Closed polls are walked by created_at (idx_polls_created_at): no index names closed_at, so that
    // closing stays a HOT update (migration 0065). A poll closes after it was created, so every poll
    // closed before the cutoff was created before it; closed_at decides on the row.
    private static readonly string ClosedPolls = BatchedDelete.Statement("polls", "created_at", "is_closed AND closed_at < @cutoff AND created_at < @cutoff");
    private static readonly string DeletedPolls = BatchedDelete.Statement("polls", "updated_at", "NOT is_active AND updated_at < @cutoff");
}
