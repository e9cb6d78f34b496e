using Circly.Core.Outbox;
using Circly.Core.Database;
using Dapper;
using Npgsql;

namespace Circly.Core.Reports;

/// <summary>All SQL on the reports table.</summary>
internal sealed class ReportRepository(NpgsqlDataSource dataSource)
{
    private const string SummaryColumns = """
        r.id, r.target_type, r.target_id, r.circle_id, r.reason, r.details, r.status, r.resolution, r.resolved_by, r.created_at, r.reviewed_at,
        (SELECT count(*)::int FROM reports o WHERE o.target_type = r.target_type AND o.target_id = r.target_id) AS reports_on_target
        """;

    /// <summary>The report and its ReportFiled event (who reported goes to analytics only as a period pseudonym), in one statement.</summary>
    private static readonly string AddSql = $"""
        WITH filed AS (
            INSERT INTO reports (reporter_id, target_type, target_id, circle_id, reason, details)
            VALUES (@reporterId, @targetType, @targetId, @circleId, @reason, @details)
            ON CONFLICT (reporter_id, target_type, target_id) DO NOTHING
            RETURNING id, reporter_id, circle_id
        ), announced AS (
            {OutboxSql.InsertFrom(OutboxEventTypes.ReportFiled, "jsonb_build_object('userId', reporter_id, 'circleId', circle_id)", "filed")}
        )
        SELECT id FROM filed
        """;

    /// <summary>Null when this reporter already reported this target (one per reporter and target, enforced by a unique index).</summary>
    public async Task<Guid?> AddAsync(Guid reporterId, string targetType, Guid targetId, Guid circleId, string reason, string? details, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(AddSql, new { reporterId, targetType, targetId, circleId, reason, details }, cancellationToken: cancellationToken));
    }

    /// <summary>Distinct reporters with a pending report on this target. Run after the report committed, so the last of concurrent reporters counts them all.</summary>
    public async Task<int> PendingReportersAsync(string targetType, Guid targetId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT count(DISTINCT reporter_id)::int FROM reports
            WHERE target_type = @targetType AND target_id = @targetId AND status = 'pending'
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(sql, new { targetType, targetId }, cancellationToken: cancellationToken));
    }

    private const string MatchingReports = """
        FROM reports r
        WHERE (@status::text IS NULL OR r.status = @status)
          AND (@targetType::text IS NULL OR r.target_type = @targetType)
          AND (@reason::text IS NULL OR r.reason = @reason)
          AND (@circleId::uuid IS NULL OR r.circle_id = @circleId)
        """;

    public async Task<ReportPage> ListAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {SummaryColumns}, count(*) OVER () AS total
            {MatchingReports}
            ORDER BY r.created_at, r.id
            LIMIT @limit OFFSET @offset
            """;
        var parameters = new { query.Status, query.TargetType, query.Reason, query.CircleId, query.Limit, query.Offset };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ReportRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();
        var total = await PageTotal.OfAsync(connection, rows.FirstOrDefault()?.Total, query.Offset, MatchingReports, parameters, cancellationToken);
        return new ReportPage([.. rows.Select(r => r.ToSummary())], total);
    }

    public async Task<ReportSummary?> GetAsync(Guid reportId, CancellationToken cancellationToken)
    {
        const string sql = $"SELECT {SummaryColumns}, 0::bigint AS total FROM reports r WHERE r.id = @reportId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<ReportRow>(new CommandDefinition(sql, new { reportId }, cancellationToken: cancellationToken)))?.ToSummary();
    }

    /// <summary>The resolution and, when it resolved any, one ReportsResolved event with the count.</summary>
    private static readonly string ResolveSql = $"""
        WITH resolved AS (
            UPDATE reports SET status = @status, resolution = @resolution, resolved_by = @actor, reviewed_at = now()
            WHERE target_type = @targetType AND target_id = @targetId AND status = 'pending'
            RETURNING id
        ), announced AS (
            {OutboxSql.InsertFrom(OutboxEventTypes.ReportsResolved, "jsonb_build_object('count', n)", "(SELECT count(*)::int AS n FROM resolved) AS batch WHERE n > 0")}
        )
        SELECT count(*)::int FROM resolved
        """;

    /// <summary>Resolves every pending report on the target, in the caller's transaction. Returns how many.</summary>
    public Task<int> ResolveTargetAsync(string targetType, Guid targetId, string status, string resolution, string actor,
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<int>(new CommandDefinition(ResolveSql, new { targetType, targetId, status, resolution, actor }, transaction, cancellationToken: cancellationToken));

    private sealed record ReportRow(
        Guid Id, string TargetType, Guid TargetId, Guid? CircleId, string Reason, string? Details, string Status,
        string? Resolution, string? ResolvedBy, DateTimeOffset CreatedAt, DateTimeOffset? ReviewedAt, int ReportsOnTarget, long Total)
    {
        public ReportSummary ToSummary() => new(Id, TargetType, TargetId, CircleId, Reason, Details, Status, Resolution, ResolvedBy, CreatedAt, ReviewedAt, ReportsOnTarget);
    }
}
