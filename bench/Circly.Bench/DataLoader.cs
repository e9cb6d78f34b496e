using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Circly.Bench;

public sealed record BenchUser(Guid Id, string DeviceId, string DeviceSecret, string Token);

public sealed record BenchCircle(Guid Id, Guid OwnerId, Guid[] Members);

/// <summary>A vote that will be accepted: a member of the poll's circle, an option that is not themselves.</summary>
public sealed record VoteTuple(Guid PollId, Guid UserId, Guid CircleId, Guid OptionId, int DisplayOrder);

/// <summary>
/// Loads realistic data: users through the API (real device logins, real tokens), circles of
/// 10–50 members, templates (the seed's), open polls and closed polls with results, in bulk SQL.
/// </summary>
public sealed class DataLoader(NpgsqlDataSource db, LoadGenerator http, Progress progress)
{
    private readonly Random _random = new(42);
    private Guid[] _templates = [];
    private string[] _templateTexts = [];

    public List<BenchUser> Users { get; } = [];

    public List<BenchCircle> Circles { get; } = [];

    public Dictionary<Guid, List<Guid>> CirclesOfUser { get; } = [];

    /// <summary>Closed polls with counts, by circle: results are visible to every member.</summary>
    public Dictionary<Guid, List<Guid>> ClosedPollsByCircle { get; } = [];

    public Dictionary<Guid, List<Guid>> OpenPollsByCircle { get; } = [];

    public async Task LoadBaseAsync(int users, int circles, int closedPerCircle)
    {
        await using (var connection = await db.OpenConnectionAsync())
        {
            var templates = (await connection.QueryAsync<(Guid Id, string Text)>("SELECT id, question_text FROM question_templates WHERE is_active")).ToArray();
            _templates = templates.Select(t => t.Id).ToArray();
            _templateTexts = templates.Select(t => t.Text).ToArray();
        }
        await RegisterUsersAsync(users);
        await CreateCirclesAsync(circles);
        await progress.StepAsync($"creating {circles * closedPerCircle:N0} closed polls with results");
        foreach (var circle in Circles)
        {
            ClosedPollsByCircle[circle.Id] = [];
            OpenPollsByCircle[circle.Id] = [];
        }
        var closed = await CreatePollsAsync(Circles.SelectMany(c => Enumerable.Repeat(c, closedPerCircle)).ToList(), PollKind.Closed);
        foreach (var (poll, circle) in closed)
        {
            ClosedPollsByCircle[circle].Add(poll);
        }
        await AnalyzeAsync();
    }

    private async Task RegisterUsersAsync(int count)
    {
        await progress.StepAsync($"registering {count:N0} users through POST /v1/auth/device-login");
        var done = 0;
        var results = new ConcurrentBag<BenchUser>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, cancellationToken) =>
        {
            var user = await LoginAsync($"bench-device-{i:D7}-{Guid.NewGuid():N}", $"bench-secret-{Guid.NewGuid():N}{Guid.NewGuid():N}", cancellationToken);
            results.Add(user);
            if (Interlocked.Increment(ref done) % 250 == 0)
            {
                await progress.StatusAsync($"users {done:N0}/{count:N0}");
            }
        });
        Users.AddRange(results.OrderBy(u => u.DeviceId, StringComparer.Ordinal));
    }

    public async Task<BenchUser> LoginAsync(string deviceId, string deviceSecret, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new { deviceId, deviceSecret, platform = "ios", appVersion = "1.0.0", locale = "en-US", timeZone = "UTC" });
        var (status, text, response) = await http.SendAsync(new BenchRequest(HttpMethod.Post, "/v1/auth/device-login", null, body), cancellationToken);
        response.Dispose();
        if (status is not (200 or 201))
        {
            throw new InvalidOperationException($"device-login answered {status}: {text}");
        }
        using var json = JsonDocument.Parse(text);
        var data = json.RootElement.GetProperty("data");
        return new BenchUser(data.GetProperty("user").GetProperty("id").GetGuid(), deviceId, deviceSecret, data.GetProperty("accessToken").GetString()!);
    }

    private async Task CreateCirclesAsync(int count)
    {
        await progress.StepAsync($"creating {count:N0} circles of 10–50 members (one of exactly 50)");
        var members = new List<(Guid Id, Guid Circle, Guid User, string Nickname, string Role)>();
        var pool = Users.Select(u => u.Id).ToArray();
        for (var c = 0; c < count; c++)
        {
            var size = c == 0 ? 50 : _random.Next(10, 51);
            var chosen = pool.OrderBy(_ => _random.Next()).Take(size).ToArray();
            var circle = new BenchCircle(Guid.NewGuid(), chosen[0], chosen);
            Circles.Add(circle);
            for (var m = 0; m < chosen.Length; m++)
            {
                members.Add((Guid.NewGuid(), circle.Id, chosen[m], $"Friend {m + 1}", m == 0 ? "owner" : "member"));
                if (!CirclesOfUser.TryGetValue(chosen[m], out var list))
                {
                    CirclesOfUser[chosen[m]] = list = [];
                }
                list.Add(circle.Id);
            }
        }
        await using var connection = await db.OpenConnectionAsync();
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY circles (id, name, creator_id, invite_code, invite_link_id, max_members, member_count) FROM STDIN (FORMAT BINARY)"))
        {
            var n = 0;
            foreach (var circle in Circles)
            {
                n++;
                await writer.StartRowAsync();
                await writer.WriteAsync(circle.Id, NpgsqlDbType.Uuid);
                await writer.WriteAsync($"Bench circle {n}", NpgsqlDbType.Text);
                await writer.WriteAsync(circle.OwnerId, NpgsqlDbType.Uuid);
                await writer.WriteAsync("B" + circle.Id.ToString("N")[..11].ToUpperInvariant(), NpgsqlDbType.Text);
                await writer.WriteAsync("benchlink" + circle.Id.ToString("N"), NpgsqlDbType.Text);
                await writer.WriteAsync(50, NpgsqlDbType.Integer);
                await writer.WriteAsync(circle.Members.Length, NpgsqlDbType.Integer);
            }
            await writer.CompleteAsync();
        }
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY circle_members (id, circle_id, user_id, nickname, nickname_skeleton, role) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var m in members)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(m.Id, NpgsqlDbType.Uuid);
                await writer.WriteAsync(m.Circle, NpgsqlDbType.Uuid);
                await writer.WriteAsync(m.User, NpgsqlDbType.Uuid);
                await writer.WriteAsync(m.Nickname, NpgsqlDbType.Text);
                // As the API stores it (migration 0010): the confusable-proof form of the nickname.
                await writer.WriteAsync(Circly.Core.Circles.Confusables.Skeleton(m.Nickname), NpgsqlDbType.Text);
                await writer.WriteAsync(m.Role, NpgsqlDbType.Text);
            }
            await writer.CompleteAsync();
        }
    }

    public enum PollKind
    {
        Open,
        Closed,
        Expired,
    }

    /// <summary>One poll per entry, created by the circle's owner; options are all members, the owner included.</summary>
    public async Task<List<(Guid Poll, Guid Circle)>> CreatePollsAsync(IReadOnlyList<BenchCircle> circles, PollKind kind, bool withOptions = true, int eligibleOverride = 0)
    {
        const string insertPolls = """
            INSERT INTO polls (id, circle_id, creator_id, template_id, question_text, created_at, deadline, eligible_voters, vote_counts, visible_counts, is_closed, closed_at)
            SELECT p.id, p.circle_id, p.creator_id, p.template_id, p.question_text,
                   now() - CASE @kind WHEN 'open' THEN interval '1 hour' ELSE interval '3 days' END,
                   now() + CASE @kind WHEN 'open' THEN interval '5 days' WHEN 'closed' THEN interval '-1 day' ELSE interval '-1 minute' END,
                   CASE WHEN @eligible > 0 THEN @eligible ELSE c.member_count END,
                   CASE WHEN @withOptions THEN array_fill(0, ARRAY[c.member_count]) ELSE '{}'::int[] END,
                   CASE WHEN @withOptions THEN array_fill(0, ARRAY[c.member_count]) ELSE '{}'::int[] END,
                   @kind = 'closed', CASE WHEN @kind = 'closed' THEN now() - interval '1 day' END
            FROM unnest(@ids, @circles, @creators, @templates, @texts) AS p (id, circle_id, creator_id, template_id, question_text)
            JOIN circles c ON c.id = p.circle_id
            """;
        const string insertOptions = """
            INSERT INTO poll_options (poll_id, member_id, member_nickname, display_order)
            SELECT p.id, m.id, m.nickname, row_number() OVER (PARTITION BY p.id ORDER BY m.id) - 1
            FROM unnest(@ids) AS ids (id) JOIN polls p ON p.id = ids.id
            JOIN circle_members m ON m.circle_id = p.circle_id AND m.is_active
            """;
        // Closed polls get results: each option 0–2 votes, within the eligible voters.
        const string countVotes = """
            UPDATE polls p SET vote_counts = v.counts, total_votes = v.total, visible_counts = v.counts, visible_votes = v.total
            FROM (
                SELECT p.id, array_agg(x.n ORDER BY x.slot) AS counts, sum(x.n)::int AS total
                FROM unnest(@ids) AS ids (id) JOIN polls p ON p.id = ids.id
                CROSS JOIN LATERAL (SELECT s AS slot, CASE WHEN s <= p.eligible_voters / 2 THEN floor(random() * 3)::int % 2 ELSE 0 END AS n
                                    FROM generate_series(1, cardinality(p.vote_counts)) s) x
                GROUP BY p.id
            ) v WHERE p.id = v.id
            """;
        var created = new List<(Guid, Guid)>(circles.Count);
        const int batch = 5000;
        await using var connection = await db.OpenConnectionAsync();
        for (var start = 0; start < circles.Count; start += batch)
        {
            var slice = circles.Skip(start).Take(batch).ToArray();
            var ids = slice.Select(_ => Guid.NewGuid()).ToArray();
            var templateIndexes = slice.Select(_ => _random.Next(_templates.Length)).ToArray();
            var kindText = kind.ToString().ToLowerInvariant();
            await connection.ExecuteAsync(insertPolls, new
            {
                kind = kindText,
                eligible = eligibleOverride,
                withOptions,
                ids,
                circles = slice.Select(c => c.Id).ToArray(),
                creators = slice.Select(c => c.OwnerId).ToArray(),
                templates = templateIndexes.Select(i => _templates[i]).ToArray(),
                texts = templateIndexes.Select(i => _templateTexts[i]).ToArray(),
            }, commandTimeout: 600);
            if (withOptions)
            {
                await connection.ExecuteAsync(insertOptions, new { ids }, commandTimeout: 600);
            }
            if (kind == PollKind.Closed && withOptions)
            {
                await connection.ExecuteAsync(countVotes, new { ids }, commandTimeout: 600);
            }
            created.AddRange(ids.Zip(slice, (id, c) => (id, c.Id)));
            if (circles.Count > batch)
            {
                await progress.StatusAsync($"{kind.ToString().ToLowerInvariant()} polls {Math.Min(start + batch, circles.Count):N0}/{circles.Count:N0}");
            }
        }
        return created;
    }

    /// <summary>
    /// Growth (issue 16): <paramref name="count"/> closed polls with options and results, made by
    /// PostgreSQL itself in statements of 50,000 polls (generate_series; nothing travels from here
    /// but the circles and templates), spread round the circles and created over the last 25 days,
    /// so every one is still listed (closed within the 30 days of retention). Options are the
    /// circle's members, as for every poll; the first half of them get 0–1 votes each.
    /// </summary>
    public async Task<List<(Guid Poll, Guid Circle)>> GrowClosedPollsAsync(int count)
    {
        const string sql = """
            WITH made AS (
                INSERT INTO polls (circle_id, creator_id, template_id, question_text, created_at, deadline, eligible_voters,
                                   vote_counts, visible_counts, total_votes, visible_votes, is_closed, closed_at)
                SELECT c.id, c.creator_id, t.id, t.question_text, x.created, x.created + interval '1 day', c.member_count,
                       v.counts, v.counts, v.total, v.total, true, x.created + interval '1 day'
                FROM (SELECT n, now() - interval '2 days' - random() * interval '23 days' AS created FROM generate_series(@from, @to - 1) AS n) AS x
                JOIN circles c ON c.id = (@circles::uuid[])[1 + x.n % cardinality(@circles::uuid[])]
                JOIN question_templates t ON t.id = (@templates::uuid[])[(1 + (x.n::bigint * 7919) % cardinality(@templates::uuid[]))::int]
                CROSS JOIN LATERAL (
                    SELECT array_agg(k ORDER BY s) AS counts, sum(k)::int AS total
                    FROM (SELECT s, CASE WHEN s <= c.member_count / 2 THEN floor(random() * 2)::int ELSE 0 END AS k
                          FROM generate_series(1, c.member_count) AS s) AS slots
                ) AS v
                RETURNING id, circle_id
            ), options AS (
                INSERT INTO poll_options (poll_id, member_id, member_nickname, display_order)
                SELECT p.id, m.id, m.nickname, row_number() OVER (PARTITION BY p.id ORDER BY m.id) - 1
                FROM made p JOIN circle_members m ON m.circle_id = p.circle_id AND m.is_active
            )
            SELECT id, circle_id FROM made
            """;
        const int batch = 50_000;
        var circles = Circles.Select(c => c.Id).ToArray();
        var created = new List<(Guid, Guid)>(count);
        await using var connection = await db.OpenConnectionAsync();
        // A bulk load of rows made consistent by construction (the polls just inserted, the circles'
        // own members): the foreign-key triggers, one lookup per option row, are off for this
        // session (replica role; the bench connects as the superuser), and commits do not wait for
        // the WAL flush. Both are session settings, reset before the connection goes back to the pool.
        await connection.ExecuteAsync("SET session_replication_role = replica; SET synchronous_commit = off");
        try
        {
            for (var from = 0; from < count; from += batch)
            {
                var to = Math.Min(count, from + batch);
                created.AddRange(await connection.QueryAsync<(Guid, Guid)>(sql, new { from, to, circles, templates = _templates }, commandTimeout: 1800));
                await progress.StatusAsync($"closed polls {to:N0}/{count:N0}");
            }
        }
        finally
        {
            await connection.ExecuteAsync("RESET session_replication_role; RESET synchronous_commit");
        }
        return created;
    }

    /// <summary>Open polls spread over random circles, and every vote they will accept, shuffled.</summary>
    public async Task<List<VoteTuple>> CreateVotablePollsAsync(int polls, int eligibleOverride = 0)
    {
        var circles = Enumerable.Range(0, polls).Select(_ => Circles[_random.Next(Circles.Count)]).ToList();
        var created = await CreatePollsAsync(circles, PollKind.Open, eligibleOverride: eligibleOverride);
        foreach (var (poll, circle) in created)
        {
            OpenPollsByCircle[circle].Add(poll);
        }
        return await VoteTuplesAsync(created.Select(c => c.Poll).ToArray());
    }

    public async Task<List<VoteTuple>> VoteTuplesAsync(Guid[] pollIds)
    {
        const string sql = """
            SELECT p.id AS "PollId", m.user_id AS "UserId", p.circle_id AS "CircleId", o.id AS "OptionId", o.display_order AS "DisplayOrder"
            FROM unnest(@pollIds) AS ids (id) JOIN polls p ON p.id = ids.id
            JOIN circle_members m ON m.circle_id = p.circle_id AND m.is_active
            CROSS JOIN LATERAL (
                SELECT id, display_order FROM poll_options o
                WHERE o.poll_id = p.id AND o.member_id IS DISTINCT FROM m.id
                ORDER BY display_order LIMIT 1 OFFSET (abs(hashtext(m.id::text)) % greatest(cardinality(p.vote_counts) - 1, 1))
            ) o
            """;
        await using var connection = await db.OpenConnectionAsync();
        var tuples = (await connection.QueryAsync<VoteTuple>(sql, new { pollIds }, commandTimeout: 600)).ToList();
        Shuffle(tuples);
        return tuples;
    }

    public void Shuffle<T>(List<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>The daily cap every bench user gets: the highest a user may set.</summary>
    public const int BenchDailyCap = 100;

    /// <summary>Every bench user gets a device; the daily cap is raised so that repeated runs push every time.</summary>
    public async Task GiveEveryoneADeviceAsync()
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO push_tokens (user_id, token, platform)
            SELECT id, 'ExponentPushToken[bench' || replace(id::text, '-', '') || ']', 'ios' FROM users
            ON CONFLICT DO NOTHING;
            INSERT INTO notification_settings (user_id, max_per_day) SELECT id, @cap FROM users
            ON CONFLICT (user_id) DO UPDATE SET max_per_day = @cap;
            DELETE FROM notification_daily_counts;
            """, new { cap = BenchDailyCap });
    }

    public async Task AnalyzeAsync()
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("VACUUM ANALYZE", commandTimeout: 600);
    }

    /// <summary>
    /// Lets the database settle before a measured load: waits (up to <paramref name="limit"/>) for
    /// running autovacuum workers to finish, then runs a CHECKPOINT, so that the dirty pages of the
    /// loading (and of the VACUUM ANALYZE before this) are written now rather than by the
    /// checkpointer during the measurement. Says what it waited for.
    /// </summary>
    public async Task<string> SettleAsync(TimeSpan limit)
    {
        await using var connection = await db.OpenConnectionAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var running = (await connection.QueryAsync<string>("""
                SELECT coalesce(nullif(query, ''), 'autovacuum') FROM pg_stat_activity
                WHERE backend_type = 'autovacuum worker' AND datname = current_database()
                """)).ToList();
            seen.UnionWith(running.Select(q => q.Replace("autovacuum: ", "", StringComparison.Ordinal)));
            if (running.Count == 0 || watch.Elapsed >= limit)
            {
                break;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        var waited = watch.Elapsed.TotalSeconds;
        watch.Restart();
        // Text, not a procedure: Dapper takes a command without whitespace for a stored procedure name.
        await connection.ExecuteAsync(new CommandDefinition("CHECKPOINT", commandTimeout: 600, commandType: System.Data.CommandType.Text));
        var autovacuum = seen.Count == 0 ? "no autovacuum running" : $"waited {waited:0.0} s for autovacuum ({string.Join("; ", seen)})";
        return $"{autovacuum}, then CHECKPOINT {watch.Elapsed.TotalSeconds:0.0} s";
    }

    public async Task<long> PollCountAsync()
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM polls");
    }
}
