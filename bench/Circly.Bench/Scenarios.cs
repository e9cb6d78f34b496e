using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Circly.Bench;

public sealed record BenchSettings(bool Quick, string ApiUrl, int ApiPid, string PgBenchPath, string PgHost, int PgPort, string PgDatabase)
{
    public TimeSpan WarmUp => Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(5);

    public TimeSpan Duration => Quick ? TimeSpan.FromSeconds(6) : TimeSpan.FromSeconds(20);

    public int Users => Quick ? 600 : 3000;

    public int CirclesCount => Quick ? 60 : 300;
}

/// <summary>The benchmark scenarios; each adds rows to the report.</summary>
public sealed class Scenarios(BenchSettings settings, NpgsqlDataSource db, LoadGenerator http, DataLoader data, Report report, Progress progress)
{
    private const int VoteConcurrency = 16;

    /// <summary>The mixed target's latency bound (issue 16): the best level is the fastest under it.</summary>
    private const int MixedP99Ms = 20;

    private static string VoteBody(Guid optionId) => JsonSerializer.Serialize(new { optionId });

    private Dictionary<Guid, BenchUser>? _byId;

    private Dictionary<Guid, BenchUser> UsersById => _byId ??= data.Users.ToDictionary(u => u.Id);

    private static Func<BenchRequest?> VoteSource(ConcurrentQueue<VoteTuple> queue, Dictionary<Guid, BenchUser> users) => () =>
        queue.TryDequeue(out var vote)
            ? new BenchRequest(HttpMethod.Post, $"/v1/polls/{vote.PollId}/vote", users[vote.UserId].Token, VoteBody(vote.OptionId))
            : null;

    private int VotesNeeded(int concurrency) => (int)((settings.WarmUp + settings.Duration).TotalSeconds * 2500) + concurrency;

    private async Task<ConcurrentQueue<VoteTuple>> VotesAsync(int needed, string? settleFor = null)
    {
        var polls = Math.Max(50, needed / 25);
        await progress.StepAsync($"creating {polls:N0} open polls to vote in");
        var tuples = await data.CreateVotablePollsAsync(polls);
        await data.AnalyzeAsync();
        if (settleFor is null)
        {
            return new ConcurrentQueue<VoteTuple>(tuples);
        }
        // After growth's loading (a full run puts ~30 million option rows in first) autovacuum and the
        // checkpointer kept working into the measured period (p99 280 ms in mixed): settle first.
        var settled = await data.SettleAsync(settings.Quick ? TimeSpan.FromMinutes(1) : TimeSpan.FromMinutes(5));
        await progress.StepAsync($"settled: {settled}");
        report.Note(settleFor, $"before measuring: VACUUM ANALYZE, {settled}.");
        return new ConcurrentQueue<VoteTuple>(tuples);
    }

    /// <summary>1. Many users voting in many open polls at once.</summary>
    public async Task<RunResult> VotesAsync()
    {
        await progress.StepAsync("scenario votes");
        var queue = await VotesAsync(VotesNeeded(VoteConcurrency), "1. votes");
        var result = await http.RunAsync("votes", VoteConcurrency, settings.WarmUp, settings.Duration, VoteSource(queue, UsersById), progress);
        report.Add("1. votes", $"{VoteConcurrency} concurrent voters, {result.Requests:N0} votes in open polls of 10–50 members", result, "votes/s");
        return result;
    }

    /// <summary>
    /// The vote limits, without the API: pgbench (16 clients) against the same PostgreSQL, (1) the
    /// API's one vote statement (PollRepository.VoteSql, the same text), prepared: the smallest
    /// honest vote, the row the API's votes/s are a ratio of; (2) the replay of the six statements a
    /// vote took before issue 16 (vote.pgbench.sql), as the API ran them then (unprepared).
    /// </summary>
    public async Task<double> PgBenchAsync(double? apiVotesPerSecond)
    {
        await progress.StepAsync("limit: the vote's SQL through pgbench");
        var polls = settings.Quick ? 300 : 2000;
        // pgbench's polls never fill up: eligible voters set high, so every transaction counts a vote.
        var tuples = await data.CreateVotablePollsAsync(polls, eligibleOverride: 1_000_000);
        await using (var connection = await db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                DROP TABLE IF EXISTS bench_vote_tuples;
                CREATE TABLE bench_vote_tuples (i integer PRIMARY KEY, poll_id uuid NOT NULL, user_id uuid NOT NULL, circle_id uuid NOT NULL, option_id uuid NOT NULL, slot integer NOT NULL);
                """);
            await connection.ExecuteAsync("""
                INSERT INTO bench_vote_tuples (i, poll_id, user_id, circle_id, option_id, slot)
                SELECT ord, p, u, c, o, s + 1 FROM unnest(@polls, @users, @circles, @options, @slots) WITH ORDINALITY AS t (p, u, c, o, s, ord)
                """, new
            {
                polls = tuples.Select(t => t.PollId).ToArray(),
                users = tuples.Select(t => t.UserId).ToArray(),
                circles = tuples.Select(t => t.CircleId).ToArray(),
                options = tuples.Select(t => t.OptionId).ToArray(),
                slots = tuples.Select(t => t.DisplayOrder).ToArray(),
            });
        }
        await data.AnalyzeAsync();
        var oneStatement = Path.Combine(Path.GetTempPath(), $"circly-vote-one-{Environment.ProcessId}.pgbench.sql");
        await File.WriteAllTextAsync(oneStatement, OneStatementScript());
        try
        {
            var (tps, latency, output) = await RunPgBenchAsync(oneStatement, "prepared", tuples.Count);
            report.AddLimit("the vote limit: the API's one vote statement (PollRepository.VoteSql), prepared", tps, latency, output, apiVotesPerSecond, isLimit: true);
            var replay = Path.Combine(AppContext.BaseDirectory, "vote.pgbench.sql");
            var (replayTps, replayLatency, replayOutput) = await RunPgBenchAsync(replay, "simple", tuples.Count);
            report.AddLimit("replay of the six statements a vote took before issue 16 (vote.pgbench.sql), unprepared", replayTps, replayLatency, replayOutput, apiVotesPerSecond, isLimit: false);
            return tps;
        }
        finally
        {
            File.Delete(oneStatement);
        }
    }

    /// <summary>PollRepository.VoteSql as a pgbench script: the same text, its parameters as pgbench variables.</summary>
    private static string OneStatementScript()
    {
        var sql = Circly.Core.Polls.PollRepository.VoteSql
            .Replace("@pollId", ":pid::uuid", StringComparison.Ordinal)
            .Replace("@userId", ":uid::uuid", StringComparison.Ordinal)
            .Replace("@optionId", ":oid::uuid", StringComparison.Ordinal)
            .Replace("@voterHash", ":vh::bytea", StringComparison.Ordinal)
            .Replace("@step", "3", StringComparison.Ordinal)
            .Replace("@closeDelay", "interval '30 minutes'", StringComparison.Ordinal);
        // pgbench ends a command at the end of the line: the statement goes on one line.
        var oneLine = string.Join(' ', sql.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        return $"""
            -- Generated by Circly.Bench from PollRepository.VoteSql (bench/README.md, "The limit").
            \set i random(1, :n)
            SELECT user_id AS uid, poll_id AS pid, option_id AS oid, sha256(gen_random_uuid()::text::bytea) AS vh FROM bench_vote_tuples WHERE i = :i \gset
            {oneLine};

            """;
    }

    private async Task<(double Tps, string Latency, string Output)> RunPgBenchAsync(string script, string mode, int tuples)
    {

        var seconds = (int)(settings.WarmUp + settings.Duration).TotalSeconds;
        var info = new ProcessStartInfo(settings.PgBenchPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "-h", settings.PgHost, "-p", settings.PgPort.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-n", "-M", mode,
            "-c", VoteConcurrency.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture),
            "-r", "-D", $"n={tuples}", "-f", script, settings.PgDatabase,
        })
        {
            info.ArgumentList.Add(arg);
        }
        await progress.StatusAsync($"pgbench -M {mode} -c {VoteConcurrency} -T {seconds} -f {Path.GetFileName(script)} on {tuples:N0} prepared (poll, user, option) tuples");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output;
        var tpsLine = text.Split('\n').FirstOrDefault(l => l.StartsWith("tps = ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || tpsLine is null)
        {
            throw new InvalidOperationException($"pgbench failed ({process.ExitCode}): {text}\n{await errors}");
        }
        var tps = double.Parse(tpsLine.Split(' ')[2], CultureInfo.InvariantCulture);
        var latency = text.Split('\n').FirstOrDefault(l => l.StartsWith("latency average", StringComparison.Ordinal))?.Trim() ?? "";
        return (tps, latency, text);
    }

    /// <summary>
    /// The HTTP ceiling: the same load generator on GET /health (no I/O, no auth) through the same
    /// host, at the concurrencies mixed traffic uses; the best level is what mixed is a ratio of.
    /// </summary>
    public async Task CeilingAsync()
    {
        await progress.StepAsync("ceiling: GET /health through the same host");
        foreach (var concurrency in settings.Quick ? new[] { 16 } : new[] { 16, 32 })
        {
            var result = await http.RunAsync("ceiling", concurrency, settings.WarmUp, settings.Duration,
                () => new BenchRequest(HttpMethod.Get, "/health", null), progress);
            report.AddCeiling(concurrency, result);
        }
    }

    /// <summary>2. Mixed traffic in an app's proportions; the concurrency steps up; the best level keeps p99 under 20 ms.</summary>
    public async Task MixedAsync()
    {
        await progress.StepAsync("scenario mixed");
        var levels = settings.Quick ? new[] { 4, 16 } : new[] { 4, 8, 16, 32 };
        var queue = await VotesAsync(VotesNeeded(16) * 15 / 100 * levels.Length, "2. mixed");
        var users = UsersById;
        var etags = new ConcurrentDictionary<(Guid, Guid), string>();
        var seen = new List<(Guid User, Guid Poll)>();
        var random = new ThreadLocal<Random>(() => new Random(Environment.CurrentManagedThreadId));
        var members = data.Users.Where(u => data.CirclesOfUser.ContainsKey(u.Id)).ToArray();

        Guid AnyPoll(Guid user, bool closedOnly)
        {
            var r = random.Value!;
            var circles = data.CirclesOfUser[user];
            var circle = circles[r.Next(circles.Count)];
            var closed = data.ClosedPollsByCircle[circle];
            var open = data.OpenPollsByCircle[circle];
            return closedOnly || open.Count == 0 || r.Next(2) == 0 ? closed[r.Next(closed.Count)] : open[r.Next(open.Count)];
        }

        BenchRequest? Next()
        {
            var r = random.Value!;
            var user = members[r.Next(members.Length)];
            var dice = r.Next(100);
            switch (dice)
            {
                case < 25: // the home screen: the poll list
                    return new BenchRequest(HttpMethod.Get, "/v1/polls?limit=20", user.Token);
                case < 45: // opening a poll
                    return new BenchRequest(HttpMethod.Get, $"/v1/polls/{AnyPoll(user.Id, false)}", user.Token);
                case < 70: // polling results the app already has: If-None-Match with the ETag it got, mostly 304
                    {
                        (Guid User, Guid Poll) pair;
                        lock (seen)
                        {
                            pair = seen.Count == 0 ? (user.Id, AnyPoll(user.Id, true)) : seen[r.Next(seen.Count)];
                        }
                        etags.TryGetValue(pair, out var etag);
                        var reader = users[pair.User];
                        return new BenchRequest(HttpMethod.Get, $"/v1/polls/{pair.Poll}/results", reader.Token, IfNoneMatch: etag,
                            OnResponse: (response, _) => Remember(response, pair.User, pair.Poll));
                    }
                case < 82: // first look at results
                    {
                        var poll = AnyPoll(user.Id, true);
                        return new BenchRequest(HttpMethod.Get, $"/v1/polls/{poll}/results", user.Token, OnResponse: (response, _) => Remember(response, user.Id, poll));
                    }
                case < 97: // a vote
                    return queue.TryDequeue(out var vote)
                        ? new BenchRequest(HttpMethod.Post, $"/v1/polls/{vote.PollId}/vote", users[vote.UserId].Token, VoteBody(vote.OptionId))
                        : new BenchRequest(HttpMethod.Get, "/v1/polls?limit=20", user.Token);
                default: // the app starting: a device login
                    return new BenchRequest(HttpMethod.Post, "/v1/auth/device-login", null,
                        JsonSerializer.Serialize(new { deviceId = user.DeviceId, deviceSecret = user.DeviceSecret, platform = "ios" }));
            }
        }

        void Remember(HttpResponseMessage response, Guid user, Guid poll)
        {
            if (response.Headers.ETag is { } etag && etags.TryAdd((user, poll), etag.ToString()))
            {
                lock (seen)
                {
                    seen.Add((user, poll));
                }
            }
        }

        RunResult? best = null;
        var rows = new List<RunResult>();
        foreach (var concurrency in levels)
        {
            var result = await http.RunAsync("mixed", concurrency, settings.WarmUp, settings.Duration, Next, progress);
            rows.Add(result);
            await progress.StepAsync($"mixed c={concurrency}: {result.Throughput:0} req/s, p99 {Latencies.Ms(result.Latencies.Percentile(99))} ms, {result.Errors} errors");
            if (result.Latencies.Percentile(99) < MixedP99Ms && result.Errors == 0 && (best is null || result.Throughput > best.Throughput))
            {
                best = result;
            }
        }
        foreach (var row in rows)
        {
            report.Add("2. mixed", $"concurrency {row.Concurrency}{(row == best ? $" **best with p99 < {MixedP99Ms} ms**" : "")}", row, "req/s");
        }
        if (best is not null)
        {
            report.SetMixedBest(best);
        }
        report.Note("2. mixed", "Mix: 25% poll list, 20% poll read, 25% results with If-None-Match (304 when unchanged), 12% results without, 15% votes, 3% device logins.");
    }

    /// <summary>3. Result reads of a 50-member poll, by its members.</summary>
    public async Task ResultsAsync()
    {
        await progress.StepAsync("scenario results");
        var circle = data.Circles.First(c => c.Members.Length == 50);
        var poll = data.ClosedPollsByCircle[circle.Id][0];
        var readers = circle.Members.Select(m => UsersById[m]).ToArray();
        var etags = new ConcurrentDictionary<Guid, string>();
        var i = 0;
        foreach (var conditional in new[] { false, true })
        {
            BenchRequest Next()
            {
                var reader = readers[(int)((uint)Interlocked.Increment(ref i) % readers.Length)];
                etags.TryGetValue(reader.Id, out var etag);
                return new BenchRequest(HttpMethod.Get, $"/v1/polls/{poll}/results", reader.Token, IfNoneMatch: conditional ? etag : null,
                    OnResponse: (response, _) =>
                    {
                        if (response.Headers.ETag is { } tag)
                        {
                            etags[reader.Id] = tag.ToString();
                        }
                    });
            }
            var result = await http.RunAsync(conditional ? "results-304" : "results", VoteConcurrency, settings.WarmUp, settings.Duration, Next, progress);
            report.Add("3. results (50 members)", conditional ? "If-None-Match with the current ETag (304)" : "full results (200)", result, "reads/s");
        }
    }

    /// <summary>5. The closing timer over 10,000 and 100,000 expired polls.</summary>
    public async Task ClosingAsync()
    {
        await progress.StepAsync("scenario closing timer");
        await CleanOutboxAsync();
        foreach (var count in settings.Quick ? new[] { 10_000 } : new[] { 10_000, 100_000 })
        {
            await progress.StepAsync($"loading {count:N0} polls whose deadline passed");
            var circles = Enumerable.Range(0, count).Select(n => data.Circles[n % data.Circles.Count]).ToList();
            await data.CreatePollsAsync(circles, DataLoader.PollKind.Expired, withOptions: false);
            await data.AnalyzeAsync();
            // The SQL alone, on the same rows: EXPLAIN ANALYZE of the timer's statement, rolled back.
            double sqlMs;
            await using (var explain = await db.OpenConnectionAsync())
            await using (var transaction = await explain.BeginTransactionAsync())
            {
                // The timer's own statement (PollRepository.CloseExpiredSql), one chunk as large as the whole backlog,
                // from the timer's watermark as the timer reads it.
                var from = await explain.ExecuteScalarAsync<DateTime>("SELECT closed_through FROM poll_closing", transaction: transaction)
                    - Circly.Core.Polls.PollRepository.CloseMargin;
                var plan = (await explain.QueryAsync<string>("EXPLAIN (ANALYZE, FORMAT TEXT) " + Circly.Core.Polls.PollRepository.CloseExpiredSql,
                    new { chunk = count, from }, transaction: transaction, commandTimeout: 600)).ToList();
                var line = plan.Last(l => l.StartsWith("Execution Time", StringComparison.Ordinal));
                sqlMs = double.Parse(line.Split(' ')[2], CultureInfo.InvariantCulture);
                report.Note("5. closing timer", $"{count:N0} polls, EXPLAIN ANALYZE of the closing statement (rolled back):\n\n```\n{string.Join('\n', plan)}\n```");
                await transaction.RollbackAsync();
            }
            await progress.StatusAsync($"POST /admin/functions/ClosePolls ({count:N0} expired polls)");
            var cpuBefore = http.Cpu?.Snapshot();
            var watch = Stopwatch.StartNew();
            var (status, body, response) = await http.SendAsync(new BenchRequest(HttpMethod.Post, "/admin/functions/ClosePolls", null, "{}"), CancellationToken.None);
            response.Dispose();
            var seconds = watch.Elapsed.TotalSeconds;
            // CPU seconds of the call (API process, PostgreSQL server): steadier than its wall time on a shared machine.
            var cpu = http.Cpu?.Snapshot() is { } cpuAfter && cpuBefore is { } start
                ? string.Create(CultureInfo.InvariantCulture, $"run: {(cpuAfter.ApiMs - start.ApiMs) / 1000:0.00} s / {(cpuAfter.PostgresMs - start.PostgresMs) / 1000:0.00} s")
                : "";
            await using var connection = await db.OpenConnectionAsync();
            var left = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM polls WHERE is_active AND NOT is_closed AND deadline <= now()");
            report.AddTimed("5. closing timer", $"{count:N0} expired polls", seconds, status == 202 && left == 0 ? 0 : 1,
                $"HTTP {status}, {left} expired polls left open{(status == 202 ? "" : ": " + body)}; the SQL alone {sqlMs / 1000:0.00} s (EXPLAIN ANALYZE, one statement)", cpu);
            await progress.StepAsync($"closing {count:N0}: {seconds:0.00} s");
        }
    }

    /// <summary>
    /// 6. Votes/s, result reads and the poll list as the database grows to ~1,000, ~10,000,
    /// ~100,000 and ~1,000,000 polls (BENCH_QUICK stops at 100,000; BENCH_GROWTH_MAX sets the last
    /// size). The polls are closed ones with options and results, listed (closed within 30 days),
    /// made set-based by PostgreSQL; the loading time of each step is in the report.
    /// </summary>
    public async Task GrowthAsync()
    {
        await progress.StepAsync("scenario growth");
        var duration = settings.Quick ? TimeSpan.FromSeconds(4) : TimeSpan.FromSeconds(8);
        var largest = int.TryParse(Environment.GetEnvironmentVariable("BENCH_GROWTH_MAX"), out var max) ? max : settings.Quick ? 100_000 : 1_000_000;
        var members = data.Users.Where(u => data.CirclesOfUser.ContainsKey(u.Id)).ToArray();
        var random = new ThreadLocal<Random>(() => new Random(Environment.CurrentManagedThreadId));
        foreach (var target in new[] { 1_000, 10_000, 100_000, 1_000_000 }.Where(t => t <= largest))
        {
            var have = await data.PollCountAsync();
            if (have < target)
            {
                await progress.StepAsync($"growing the database from {have:N0} to {target:N0} polls (closed polls with results and options)");
                var watch = Stopwatch.StartNew();
                foreach (var (poll, circle) in await data.GrowClosedPollsAsync((int)(target - have)))
                {
                    data.ClosedPollsByCircle[circle].Add(poll);
                }
                var inserted = watch.Elapsed.TotalSeconds;
                await data.AnalyzeAsync();
                report.Note("6. growth", string.Create(CultureInfo.InvariantCulture,
                    $"Loading {target - have:N0} polls with their options: {inserted:0.0} s of INSERT … SELECT, then {watch.Elapsed.TotalSeconds - inserted:0.0} s of VACUUM ANALYZE."));
                await progress.StepAsync($"loaded in {watch.Elapsed.TotalSeconds:0.0} s");
            }
            var queue = await VotesAsync((int)((settings.WarmUp + duration).TotalSeconds * 1200));
            var polls = await data.PollCountAsync();
            var votes = await http.RunAsync("growth votes", VoteConcurrency, settings.WarmUp, duration, VoteSource(queue, UsersById), progress);
            report.Add("6. growth", $"votes, {polls:N0} polls in the database", votes, "votes/s");
            var reads = await http.RunAsync("growth results", VoteConcurrency, settings.WarmUp, duration, () =>
            {
                var r = random.Value!;
                var user = members[r.Next(members.Length)];
                var circles = data.CirclesOfUser[user.Id];
                var closed = data.ClosedPollsByCircle[circles[r.Next(circles.Count)]];
                return new BenchRequest(HttpMethod.Get, $"/v1/polls/{closed[r.Next(closed.Count)]}/results", user.Token);
            }, progress);
            report.Add("6. growth", $"result reads, {polls:N0} polls in the database", reads, "reads/s");
            var lists = await http.RunAsync("growth poll list", VoteConcurrency, settings.WarmUp, duration,
                () => new BenchRequest(HttpMethod.Get, "/v1/polls?limit=20", members[random.Value!.Next(members.Length)].Token), progress);
            report.Add("6. growth", $"poll list (GET /v1/polls?limit=20), {polls:N0} polls in the database", lists, "lists/s");
        }
    }

    /// <summary>
    /// 4. Push fan-out: polls closing in circles totalling N recipients, through the closing timer,
    /// the outbox, the outbox-events queue, the fan-out function, the push-batches queue and the push
    /// sender, to the bench's Expo-compatible server. Pushes/s from the timer call to the last push.
    /// </summary>
    public async Task FanOutAsync(ExpoBenchServer expo, int pacing)
    {
        foreach (var target in FanOutSizes())
        {
            report.ResetPeak();
            await FanOutAsync(expo, pacing, target);
        }
    }

    /// <summary>Recipients per fan-out run: BENCH_FANOUT_SIZES (comma-separated), else 10,000 and 100,000 (quick: 2,000).</summary>
    private IEnumerable<int> FanOutSizes() =>
        Environment.GetEnvironmentVariable("BENCH_FANOUT_SIZES") is { Length: > 0 } sizes
            ? sizes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(size => int.Parse(size, CultureInfo.InvariantCulture))
            : settings.Quick ? [2_000] : [10_000, 100_000];

    private async Task FanOutAsync(ExpoBenchServer expo, int pacing, int target)
    {
        await progress.StepAsync($"scenario fanout (Expo pacing {(pacing == 0 ? "off" : pacing + "/s")}): {target:N0} recipients");
        await data.GiveEveryoneADeviceAsync();
        await CleanOutboxAsync();
        var circles = new List<BenchCircle>();
        var recipients = 0;
        for (var i = 0; recipients < target; i++)
        {
            var circle = data.Circles[i % data.Circles.Count];
            circles.Add(circle);
            recipients += circle.Members.Length;
        }
        // The daily cap (at most 100, the bench's setting) stops a user's pushes past it: at 100,000 a
        // few users in many circles reach it, so what is expected is each user's pushes up to the cap.
        var capped = circles.SelectMany(c => c.Members).CountBy(user => user).Sum(pair => Math.Max(0, pair.Value - DataLoader.BenchDailyCap));
        var polls = await data.CreatePollsAsync(circles, DataLoader.PollKind.Expired, withOptions: false);
        // Earlier scenarios' notifications are not part of this measurement: their queue messages are dropped.
        var storage = Environment.GetEnvironmentVariable("BENCH_STORAGE");
        if (!string.IsNullOrEmpty(storage))
        {
            foreach (var name in Circly.Core.Storage.StorageNames.Queues)
            {
                var queue = new Azure.Storage.Queues.QueueClient(storage, name);
                if (await queue.ExistsAsync())
                {
                    await queue.ClearMessagesAsync();
                }
            }
        }
        for (var quiet = 0; quiet < 30; quiet++)
        {
            var before = expo.Messages;
            await Task.Delay(1000);
            if (expo.Messages == before)
            {
                break;
            }
        }
        expo.Limit = pacing;
        expo.Reset();
        expo.Polls.Clear();
        expo.Polls.UnionWith(polls.Select(p => p.Poll.ToString()));
        await progress.StatusAsync($"closing {circles.Count} polls in circles with {recipients:N0} members");
        var cpuBefore = http.Cpu?.Snapshot();
        var azuriteBefore = http.Cpu?.AzuriteMs();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var started = DateTime.UtcNow;
        var (status, body, response) = await http.SendAsync(new BenchRequest(HttpMethod.Post, "/admin/functions/ClosePolls", null, "{}"), CancellationToken.None);
        response.Dispose();
        var timerSeconds = watch.Elapsed.TotalSeconds;
        if (status != 202)
        {
            throw new InvalidOperationException($"ClosePolls answered {status}: {body}");
        }
        // The timer queues at most 100 announcements itself; the outbox sweep delivers the rest.
        // Its timer would fire within 30 s; the bench fires it as soon as the grace has passed.
        // It runs alongside the fan-out (Azurite is busy), so it gets a client of its own without a deadline.
        await Task.Delay(Circly.Core.Outbox.OutboxDispatcher.SweepGrace);
        using var sweepClient = new HttpClient { BaseAddress = new Uri(settings.ApiUrl), Timeout = Timeout.InfiniteTimeSpan };
        // The admin API wants the host's master key, as LoadGenerator.CreateClient sends it.
        if (Environment.GetEnvironmentVariable("DevHost__MasterKey") is { Length: > 0 } masterKey)
        {
            sweepClient.DefaultRequestHeaders.Add("x-functions-key", masterKey);
        }
        var sweep = SweepUntilDoneAsync(sweepClient);
        var lastProgress = watch.Elapsed;
        long seen = 0;
        while (expo.Messages < recipients - capped && watch.Elapsed - lastProgress < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(250);
            if (expo.Messages != seen)
            {
                seen = expo.Messages;
                lastProgress = watch.Elapsed;
            }
            await progress.StatusAsync($"fan-out: {expo.Messages:N0}/{recipients:N0} pushes received, {expo.TooMany} answered 429, {watch.Elapsed.TotalSeconds:0}s");
        }
        await sweep;
        // A duplicate can come after the last expected push: a moment more to see it.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var seconds = Math.Max(0.001, (expo.LastMessageAt - started).TotalSeconds);
        var rate = expo.Messages / seconds;
        var pushing = Math.Max(0.001, (expo.LastMessageAt - expo.FirstMessageAt).TotalSeconds);
        var (devices, duplicates) = expo.DistinctOfPolls();
        var missing = recipients - capped - devices;
        // CPU per push over the whole fan-out (timer, outbox, inbox, push sender), Azurite's among the notes.
        var pushes = Math.Max(1, expo.Messages);
        var cpuAfter = http.Cpu?.Snapshot();
        var cpu = cpuBefore is { } b && cpuAfter is { } a ? string.Create(CultureInfo.InvariantCulture, $"{(a.ApiMs - b.ApiMs) / pushes:0.00} / {(a.PostgresMs - b.PostgresMs) / pushes:0.00}") : "";
        var azurite = azuriteBefore is { } z0 && http.Cpu?.AzuriteMs() is { } z1 ? string.Create(CultureInfo.InvariantCulture, $"; Azurite CPU {(z1 - z0) / pushes:0.00} ms per push") : "";
        var what = pacing == 0 ? "Expo pacing off (Expo__MaxPerSecond=0)" : $"Expo pacing on (Expo__MaxPerSecond={pacing}, server 429s above {pacing}/s)";
        report.AddRow(string.Create(CultureInfo.InvariantCulture,
            $"| 4. fan-out | {what}: {circles.Count} polls closing in circles totalling {recipients:N0} members | {rate:0} pushes/s ({expo.Messages:N0} in {seconds:0.0} s; {expo.Messages / pushing:0}/s from the first push to the last; busiest second {expo.BusiestSecond}) | | | | {missing} missing ({capped} over the daily cap not expected), {duplicates} duplicates, {expo.TooMany} calls answered 429, {expo.Others} pushes of earlier events; timer call {timerSeconds:0.0} s, first push at {(expo.FirstMessageAt - started).TotalSeconds:0.0} s{azurite} | {report.Vm("VmHWM")} | {cpu} (per push) |"));
        await progress.StepAsync($"fan-out: {expo.Messages:N0} pushes in {seconds:0.0} s = {rate:0}/s, {expo.TooMany} 429s, {missing} missing ({capped} over the cap), {duplicates} duplicates");
        expo.Limit = 0;
    }

    /// <summary>
    /// Each scenario starts with an empty outbox: no backlog inherited from an earlier scenario (the
    /// closing scenario leaves ~110,000 PollClosed events that a later sweep would deliver first).
    /// </summary>
    private async Task CleanOutboxAsync()
    {
        await using var connection = await db.OpenConnectionAsync();
        var dropped = await connection.ExecuteAsync("DELETE FROM outbox_events");
        await progress.StepAsync($"outbox emptied ({dropped:N0} events of earlier scenarios dropped)");
    }

    public Task MemoryAsync() => report.AddMemoryAsync(settings.ApiPid);

    /// <summary>
    /// A sweep run can fail when storage is saturated (a send times out); its timer simply runs
    /// again, and so does the bench: what was sent stays marked, the rest goes next time.
    /// </summary>
    private static async Task SweepUntilDoneAsync(HttpClient client)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await client.PostAsync("/admin/functions/OutboxSweep", new StringContent("{}"));
            if (response.StatusCode == System.Net.HttpStatusCode.Accepted)
            {
                return;
            }
            if (attempt == 5)
            {
                throw new InvalidOperationException($"OutboxSweep answered {(int)response.StatusCode} five times: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }
}
