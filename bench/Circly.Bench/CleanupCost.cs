using System.Diagnostics;
using System.Globalization;
using Dapper;
using Npgsql;

namespace Circly.Bench;

/// <summary>
/// What the daily cleanup costs on a large backlog: about 1.65 million rows past their retention
/// (a million dispatched outbox events, rate-limit windows, closed polls with their options and
/// participation hashes, deleted circles with members and polls), deleted once by the real Cleanup
/// function through the API's admin endpoint (chunked deletes) and once by one plain DELETE per kind
/// on the same data, alternately, in the same run. Rows that retention keeps are loaded too, and
/// must survive both.
/// </summary>
public static class CleanupCost
{
    public sealed record Measurement(string How, int Round, long RowsDeleted, double Seconds);

    /// <summary>The plain statements: one per kind, the same conditions as RetentionOptions' defaults.</summary>
    private static readonly string[] PlainDeletes =
    [
        "DELETE FROM outbox_events WHERE consumed_at < now() - interval '7 days'",
        "DELETE FROM rate_limit_counters WHERE window_start < now() - interval '2 hours'",
        "DELETE FROM circles WHERE NOT is_active AND updated_at < now() - interval '7 days'",
        "DELETE FROM polls WHERE (is_closed AND closed_at < now() - interval '30 days') OR (NOT is_active AND updated_at < now() - interval '7 days')",
    ];

    public static async Task<IReadOnlyList<Measurement>> RunAsync(string connectionString, string apiUrl, int outboxRows, int rounds, Func<string, Task> progress)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        using var http = new HttpClient { BaseAddress = new Uri(apiUrl), Timeout = TimeSpan.FromMinutes(30) };
        http.DefaultRequestHeaders.Add("x-functions-key", Environment.GetEnvironmentVariable("DevHost__MasterKey") ?? "");
        var measurements = new List<Measurement>();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var how in new[] { "plain DELETE per kind", "Cleanup function (chunked)" })
            {
                await progress($"round {round}: loading {outboxRows:N0} outbox events and the rest");
                var kept = await LoadAsync(dataSource, outboxRows);
                var before = await CountAsync(dataSource);
                await progress($"round {round}: {how} on {before - kept:N0} expired rows");
                var clock = Stopwatch.StartNew();
                if (how.StartsWith("plain", StringComparison.Ordinal))
                {
                    await using var connection = await dataSource.OpenConnectionAsync();
                    foreach (var sql in PlainDeletes)
                    {
                        await connection.ExecuteAsync(new CommandDefinition(sql, commandTimeout: 1800));
                    }
                }
                else
                {
                    using var response = await http.PostAsync("/admin/functions/Cleanup", new StringContent("{}"));
                    if ((int)response.StatusCode != 202)
                    {
                        throw new InvalidOperationException($"Cleanup answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }
                }
                clock.Stop();
                var after = await CountAsync(dataSource);
                if (after != kept)
                {
                    throw new InvalidOperationException($"{how}: {after:N0} rows left, expected the {kept:N0} that retention keeps.");
                }
                measurements.Add(new Measurement(how, round, before - after, clock.Elapsed.TotalSeconds));
            }
        }
        return measurements;
    }

    public static IEnumerable<string> Table(IReadOnlyList<Measurement> measurements)
    {
        yield return "| how | round | rows deleted | seconds | rows/s |";
        yield return "| --- | --- | --- | --- | --- |";
        foreach (var m in measurements)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"| {m.How} | {m.Round} | {m.RowsDeleted:N0} | {m.Seconds:F1} | {m.RowsDeleted / m.Seconds:N0} |");
        }
        var plain = measurements.Where(m => m.How.StartsWith("plain", StringComparison.Ordinal)).Sum(m => m.Seconds);
        var cleanup = measurements.Where(m => !m.How.StartsWith("plain", StringComparison.Ordinal)).Sum(m => m.Seconds);
        yield return "";
        yield return string.Create(CultureInfo.InvariantCulture, $"Cleanup / plain DELETE, summed over the rounds: **{cleanup / plain:F2}×** ({cleanup:F1} s vs {plain:F1} s).");
    }

    /// <summary>Empties the tables, loads the backlog and what must stay; returns how many rows must stay.</summary>
    private static async Task<long> LoadAsync(NpgsqlDataSource dataSource, int outboxRows)
    {
        const string sql = """
            TRUNCATE outbox_events, rate_limit_counters, poll_participations, poll_options, polls, circle_members, circles CASCADE;

            -- Outbox: the backlog, dispatched and consumed 10 days ago; a tenth as many from yesterday stay.
            INSERT INTO outbox_events (event_type, payload, created_at, dispatched_at, consumed_at)
            SELECT 'PollClosed', jsonb_build_object('pollId', gen_random_uuid(), 'circleId', gen_random_uuid(), 'questionText', 'Who has the best laugh?', 'totalVotes', 12),
                   now() - interval '10 days', now() - interval '10 days' + g * interval '1 ms', now() - interval '10 days' + g * interval '1 ms'
            FROM generate_series(1, @outboxRows) g;
            INSERT INTO outbox_events (event_type, payload, created_at, dispatched_at, consumed_at)
            SELECT 'PollClosed', '{}', now() - interval '1 day', now() - interval '1 day', now() - interval '1 day' FROM generate_series(1, @outboxRows / 10) g;

            -- Rate-limit windows: 200,000 ended ones, 20,000 current ones.
            INSERT INTO rate_limit_counters (bucket, window_start, hits)
            SELECT 'bench:' || g, date_trunc('minute', now()) - interval '3 hours' - (g % 600) * interval '1 minute', 1 FROM generate_series(1, 200000) g;
            INSERT INTO rate_limit_counters (bucket, window_start, hits)
            SELECT 'bench:' || g, date_trunc('minute', now()), 1 FROM generate_series(1, 20000) g;

            -- One living circle of 10 members: 20,000 polls closed 40 days ago (go) and 2,000 closed
            -- yesterday (stay), each with 10 options and 10 participation hashes.
            INSERT INTO users (device_id_hash, device_secret_hash, platform)
            SELECT sha256(gen_random_uuid()::text::bytea), sha256(gen_random_uuid()::text::bytea), 'ios'
            FROM generate_series(1, greatest(0, 10 - (SELECT count(*) FROM users)::int));
            CREATE TEMP TABLE bench_users ON COMMIT DROP AS
                SELECT id, row_number() OVER (ORDER BY id) AS g FROM (SELECT id FROM users ORDER BY id LIMIT 10) u;
            INSERT INTO circles (id, name, invite_code, invite_link_id, max_members, member_count)
            VALUES ('00000000-0000-4000-8000-000000000001', 'Bench cleanup', 'BENCHCLEAN', 'bench-cleanup-link-0001', 30, 10);
            INSERT INTO circle_members (circle_id, user_id, nickname, role)
            SELECT '00000000-0000-4000-8000-000000000001', id, 'Member ' || g, CASE WHEN g = 1 THEN 'owner' ELSE 'member' END FROM bench_users;
            INSERT INTO polls (circle_id, template_id, question_text, created_at, deadline, eligible_voters, total_votes, vote_counts, visible_counts, visible_votes, is_closed, closed_at)
            SELECT '00000000-0000-4000-8000-000000000001', (SELECT id FROM question_templates LIMIT 1), 'Who has the best laugh?',
                   now() - age - interval '1 day', now() - age, 10, 10, '{1,1,1,1,1,1,1,1,1,1}', '{1,1,1,1,1,1,1,1,1,1}', 10, true, now() - age
            FROM generate_series(1, 22000) g, LATERAL (SELECT CASE WHEN g <= 20000 THEN interval '40 days' ELSE interval '1 day' END AS age) a;
            INSERT INTO poll_options (poll_id, member_id, member_nickname, display_order)
            SELECT p.id, m.id, m.nickname, row_number() OVER (PARTITION BY p.id ORDER BY m.id) - 1
            FROM polls p CROSS JOIN circle_members m WHERE m.circle_id = p.circle_id AND p.circle_id = '00000000-0000-4000-8000-000000000001';
            INSERT INTO poll_participations (poll_id, voter_hash)
            SELECT p.id, sha256((p.id::text || g)::bytea) FROM polls p, generate_series(1, 10) g WHERE p.circle_id = '00000000-0000-4000-8000-000000000001';

            -- 2,000 circles deleted 10 days ago (go, with their 5 former members and one poll each)
            -- and 200 deleted yesterday (stay).
            INSERT INTO circles (name, invite_code, invite_link_id, max_members, member_count, is_active, updated_at)
            SELECT 'Deleted ' || g, 'DEL' || lpad(g::text, 6, '0'), 'bench-deleted-circle-' || lpad(g::text, 6, '0'), 30, 0, false,
                   now() - CASE WHEN g <= 2000 THEN interval '10 days' ELSE interval '1 day' END
            FROM generate_series(1, 2200) g;
            INSERT INTO circle_members (circle_id, user_id, nickname, is_active, left_at)
            SELECT c.id, NULL, 'Gone ' || g, false, now() - interval '11 days' FROM circles c, generate_series(1, 5) g WHERE NOT c.is_active;
            INSERT INTO polls (circle_id, template_id, question_text, created_at, deadline, eligible_voters, vote_counts, visible_counts)
            SELECT c.id, (SELECT id FROM question_templates LIMIT 1), 'Who has the best laugh?', now() - interval '12 days', now() + interval '1 day', 5, '{0,0,0,0,0}', '{0,0,0,0,0}'
            FROM circles c WHERE NOT c.is_active;
            INSERT INTO poll_options (poll_id, member_id, member_nickname, display_order)
            SELECT p.id, m.id, m.nickname, row_number() OVER (PARTITION BY p.id ORDER BY m.id) - 1
            FROM polls p JOIN circles c ON c.id = p.circle_id AND NOT c.is_active JOIN circle_members m ON m.circle_id = c.id;
            """;
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, new { outboxRows }, transaction, commandTimeout: 1800));
            await transaction.CommitAsync();
        }
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE", commandTimeout: 1800));
            await connection.ExecuteAsync(new CommandDefinition("CHECKPOINT", commandTimeout: 1800, commandType: System.Data.CommandType.Text));
        }
        // What retention keeps: the young outbox events and windows, 2,000 polls with 20 rows each,
        // the living circle with 10 members, 200 deleted circles with 5 members, a poll and 5 options each.
        return outboxRows / 10 + 20_000 + 2_000 * 21 + 1 + 10 + 200 * (1 + 5 + 1 + 5);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("""
            SELECT (SELECT count(*) FROM outbox_events) + (SELECT count(*) FROM rate_limit_counters) + (SELECT count(*) FROM circles)
                 + (SELECT count(*) FROM circle_members) + (SELECT count(*) FROM polls) + (SELECT count(*) FROM poll_options)
                 + (SELECT count(*) FROM poll_participations)
            """);
    }
}
