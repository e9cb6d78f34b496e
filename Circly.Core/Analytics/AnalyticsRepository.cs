using System.Text.Json;
using Dapper;
using Npgsql;

namespace Circly.Core.Analytics;

/// <summary>All SQL on the analytics tables.</summary>
internal sealed class AnalyticsRepository(NpgsqlDataSource dataSource)
{
    /// <summary>PostgreSQL's check_violation, which is also "no partition of relation found for row".</summary>
    private const string CheckViolation = "23514";

    /// <summary>The bands of circle sizes participation is shown in, by eligible voters.</summary>
    public static readonly string[] Bands = ["2-5", "6-10", "11-20", "21+"];

    private const string BandOf = "CASE WHEN quantity2 <= 5 THEN '2-5' WHEN quantity2 <= 10 THEN '6-10' WHEN quantity2 <= 20 THEN '11-20' ELSE '21+' END";

    /// <summary>Records the event once (a redelivered event changes nothing); makes its month's partition when it is missing.</summary>
    public async Task RecordAsync(AnalyticsEvent e, byte[]? actorWeek, byte[]? actorMonth, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO analytics_events (day, event_id, event_name, circle_id, poll_id, actor_week, actor_month, quantity, quantity2)
            VALUES (@Day, @EventId, @Name, @CircleId, @PollId, @actorWeek, @actorMonth, @Quantity, @Quantity2)
            ON CONFLICT (day, event_id) DO NOTHING
            """;
        var parameters = new { e.Day, e.EventId, e.Name, e.CircleId, e.PollId, actorWeek, actorMonth, e.Quantity, e.Quantity2 };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        }
        catch (PostgresException missing) when (missing.SqlState == CheckViolation && missing.ConstraintName is null)
        {
            await PrepareMonthsAsync(e.Day, e.Day, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        }
    }

    public async Task<int> PrepareMonthsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT analytics_prepare_months(@firstDay, @lastDay)",
            new { firstDay, lastDay }, cancellationToken: cancellationToken));
    }

    /// <summary>Drops the month partitions that end on or before the cutoff; returns the rows they held.</summary>
    public async Task<long> DropMonthsBeforeAsync(DateOnly cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT analytics_drop_months_before(@cutoff)",
            new { cutoff }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The day's figures from its raw events, set-based, in one statement that replaces the day's row:
    /// running it again over the same events gives the same figures. Distinct users are counted on the
    /// stored pseudonyms, so it needs no key and gives the same figures after the keys are discarded.
    /// </summary>
    public async Task AggregateDayAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var sql = $$"""
            INSERT INTO analytics_daily AS d (day, dau, wau, mau, new_accounts, circles_active, polls_created, polls_closed, votes_cast,
                closed_votes, closed_eligible, participation_bands, push_sent, push_failed, push_delivered, push_receipt_errors,
                notifications_opened, reports_filed, reports_resolved, computed_at)
            SELECT @day,
                count(DISTINCT actor_week),
                (SELECT count(DISTINCT actor_week) FROM analytics_events WHERE day BETWEEN @weekStart AND @day),
                (SELECT count(DISTINCT actor_month) FROM analytics_events WHERE day BETWEEN @monthStart AND @day),
                count(*) FILTER (WHERE event_name = 'account_created'),
                count(DISTINCT circle_id) FILTER (WHERE event_name <> 'report_filed'),
                count(*) FILTER (WHERE event_name = 'poll_created'),
                count(*) FILTER (WHERE event_name = 'poll_closed'),
                count(*) FILTER (WHERE event_name = 'vote_cast'),
                coalesce(sum(quantity) FILTER (WHERE event_name = 'poll_closed'), 0),
                coalesce(sum(quantity2) FILTER (WHERE event_name = 'poll_closed'), 0),
                (SELECT coalesce(jsonb_object_agg(band, jsonb_build_array(votes, eligible)), '{}'::jsonb)
                 FROM (SELECT {{BandOf}} AS band, sum(quantity) AS votes, sum(quantity2) AS eligible
                       FROM analytics_events WHERE day = @day AND event_name = 'poll_closed' GROUP BY 1) AS bands),
                coalesce(sum(quantity) FILTER (WHERE event_name = 'push_sent'), 0),
                coalesce(sum(quantity2) FILTER (WHERE event_name = 'push_sent'), 0),
                coalesce(sum(quantity) FILTER (WHERE event_name = 'push_receipts'), 0),
                coalesce(sum(quantity2) FILTER (WHERE event_name = 'push_receipts'), 0),
                coalesce(sum(quantity) FILTER (WHERE event_name = 'notification_opened'), 0),
                count(*) FILTER (WHERE event_name = 'report_filed'),
                coalesce(sum(quantity) FILTER (WHERE event_name = 'report_resolved'), 0),
                now()
            FROM analytics_events WHERE day = @day
            ON CONFLICT (day) DO UPDATE SET
                dau = EXCLUDED.dau, wau = EXCLUDED.wau, mau = EXCLUDED.mau, new_accounts = EXCLUDED.new_accounts,
                circles_active = EXCLUDED.circles_active, polls_created = EXCLUDED.polls_created, polls_closed = EXCLUDED.polls_closed,
                votes_cast = EXCLUDED.votes_cast, closed_votes = EXCLUDED.closed_votes, closed_eligible = EXCLUDED.closed_eligible,
                participation_bands = EXCLUDED.participation_bands, push_sent = EXCLUDED.push_sent, push_failed = EXCLUDED.push_failed,
                push_delivered = EXCLUDED.push_delivered, push_receipt_errors = EXCLUDED.push_receipt_errors,
                notifications_opened = EXCLUDED.notifications_opened, reports_filed = EXCLUDED.reports_filed,
                reports_resolved = EXCLUDED.reports_resolved, computed_at = EXCLUDED.computed_at
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            day,
            weekStart = AnalyticsPeriods.Week(day).FirstDay,
            monthStart = AnalyticsPeriods.Month(day).FirstDay,
        }, commandTimeout: 600, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<DailyMetrics>> ListDailyAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT day, dau, wau, mau, new_accounts, circles_active, polls_created, polls_closed, votes_cast, closed_votes, closed_eligible,
                   participation_bands::text AS participation_bands, push_sent, push_failed, push_delivered, push_receipt_errors,
                   notifications_opened, reports_filed, reports_resolved
            FROM analytics_daily WHERE day BETWEEN @from AND @to ORDER BY day
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<DailyRow>(new CommandDefinition(sql, new { from, to }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToMetrics())];
    }

    private sealed record DailyRow(
        DateOnly Day, int Dau, int Wau, int Mau, int NewAccounts, int CirclesActive, int PollsCreated, int PollsClosed, int VotesCast,
        int ClosedVotes, int ClosedEligible, string ParticipationBands, int PushSent, int PushFailed, int PushDelivered, int PushReceiptErrors,
        int NotificationsOpened, int ReportsFiled, int ReportsResolved)
    {
        public DailyMetrics ToMetrics()
        {
            var bands = JsonSerializer.Deserialize<Dictionary<string, int[]>>(ParticipationBands) ?? [];
            return new DailyMetrics(Day, Dau, Wau, Mau, NewAccounts, CirclesActive, PollsCreated, PollsClosed, VotesCast,
                new Participation(ClosedVotes, ClosedEligible, Rate(ClosedVotes, ClosedEligible)),
                [.. Bands.Select(b => bands.TryGetValue(b, out var v) ? new BandParticipation(b, v[0], v[1], Rate(v[0], v[1])) : new BandParticipation(b, 0, 0, null))],
                new PushDelivery(PushSent, PushFailed, PushDelivered, PushReceiptErrors, Rate(PushDelivered, PushSent + PushFailed)),
                NotificationsOpened, ReportsFiled, ReportsResolved);
        }

        private static double? Rate(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);
    }
}
