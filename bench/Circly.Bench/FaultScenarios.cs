using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Circly.Bench;

/// <summary>One scenario's line in the results file.</summary>
public sealed record FaultRow(string Scenario, string Fault, string Votes, string Pushes, string Inbox, string Errors, string Recovery, double? PeakMb, bool Clean, string Notes);

/// <summary>
/// The fault scenarios of issue 17, each against the stack of <see cref="FaultStack"/>: a fault in
/// the middle of real work, then what was lost, what happened twice, what the API answered, how
/// long until it was whole again, and the API's peak memory. Sizes are modest so that the set runs
/// in minutes; every wait is on a condition with a generous deadline (the machine is shared), and
/// the times measured are reported, never asserted.
/// </summary>
public sealed class FaultScenarios(FaultStack stack, NpgsqlDataSource db, LoadGenerator http, DataLoader data, FaultProbe probe, ExpoBenchServer expo,
    IReadOnlyDictionary<string, string> apiSettings, Progress progress)
{
    private static readonly TimeSpan DeliveryDeadline = TimeSpan.FromMinutes(4);

    public List<FaultRow> Rows { get; } = [];

    /// <summary>1. PostgreSQL SIGKILLed for 10 s in the middle of 400 votes, then started again.</summary>
    public async Task PostgresKilledDuringVotesAsync()
    {
        await progress.StepAsync("faults 1: PostgreSQL killed during 400 votes");
        var tuples = (await data.CreateVotablePollsAsync(20)).Take(400).ToList();
        var polls = tuples.Select(t => t.PollId).Distinct().ToArray();
        var users = data.Users.ToDictionary(u => u.Id);
        var traffic = new FaultTraffic();
        var queue = new ConcurrentQueue<VoteTuple>(tuples);
        var retry = new ConcurrentQueue<VoteTuple>();
        long acknowledged = 0, alreadyVoted = 0;
        var watch = Stopwatch.StartNew();
        var peak = new PeakMemory(stack);

        async Task WorkerAsync()
        {
            while (watch.Elapsed < TimeSpan.FromMinutes(3))
            {
                if (!queue.TryDequeue(out var vote) && !retry.TryDequeue(out vote))
                {
                    if (queue.IsEmpty && retry.IsEmpty && Interlocked.Read(ref acknowledged) + Interlocked.Read(ref alreadyVoted) >= tuples.Count)
                    {
                        return;
                    }
                    await Task.Delay(100);
                    continue;
                }
                var (status, body) = await traffic.SendAsync(http, new BenchRequest(HttpMethod.Post, $"/v1/polls/{vote.PollId}/vote", users[vote.UserId].Token,
                    JsonSerializer.Serialize(new { optionId = vote.OptionId })), CancellationToken.None);
                if (status == 200)
                {
                    Interlocked.Increment(ref acknowledged);
                }
                else if (status == 409 && body.Contains("POLL_ALREADY_VOTED", StringComparison.Ordinal))
                {
                    // Only a retry can meet this: the first attempt was counted, its answer was lost.
                    Interlocked.Increment(ref alreadyVoted);
                }
                else
                {
                    retry.Enqueue(vote);
                    await Task.Delay(200);
                }
            }
        }

        var workers = Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(WorkerAsync)));
        await FaultStack.WaitUntilAsync(() => Interlocked.Read(ref acknowledged) >= 100 || workers.IsCompleted, TimeSpan.FromMinutes(2), "100 votes before the kill");
        await stack.KillPostgresAsync();
        var killedAt = DateTime.UtcNow;
        var ackedAtKill = Interlocked.Read(ref acknowledged);
        await progress.StatusAsync("PostgreSQL killed; 10 s outage");
        await Task.Delay(TimeSpan.FromSeconds(10));
        await stack.StartPostgresAsync();
        var restartedAt = DateTime.UtcNow;
        await workers;
        // The bench's own pool still holds connections to the killed server.
        db.Clear();

        await using var connection = await db.OpenConnectionAsync();
        var counted = await connection.ExecuteScalarAsync<long>("SELECT coalesce(sum(total_votes), 0) FROM polls WHERE id = ANY(@polls)", new { polls });
        var slots = await connection.ExecuteScalarAsync<long>("SELECT coalesce(sum(c), 0) FROM polls, unnest(vote_counts) AS c WHERE id = ANY(@polls)", new { polls });
        var participations = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM poll_participations WHERE poll_id = ANY(@polls)", new { polls });
        var settled = acknowledged + alreadyVoted;
        var unsettled = tuples.Count - settled;
        var lost = Math.Max(0, settled - counted);
        var doubled = Math.Max(0, counted - settled);
        var recovery = traffic.FirstSuccessAfter(restartedAt);
        var duringOutage = traffic.Count(s => s is 503);
        var clean = lost == 0 && doubled == 0 && unsettled == 0 && counted == participations && counted == slots && traffic.Count(s => s is 500) == 0;
        Rows.Add(new FaultRow("1. PostgreSQL SIGKILL", $"8 voters, {tuples.Count} votes in {polls.Length} polls; killed after {ackedAtKill} acknowledged, out for 10 s",
            $"{acknowledged} acknowledged (200) + {alreadyVoted} settled by a retry (POLL_ALREADY_VOTED) = {settled}; counted {counted} (slots {slots}, participation rows {participations}); lost {lost}, counted twice {doubled}, unsettled {unsettled}",
            "—", "—", $"{traffic.Failures(200, 409)}; 503 answers {duringOutage}; slowest answer {traffic.SlowestMs / 1000:0.0} s",
            recovery is { } r ? $"first 200 {r:0.0} s after PostgreSQL was back ({(restartedAt - killedAt).TotalSeconds:0} s after the kill)" : "no 200 after the restart",
            peak.Stop(), clean, "retries until every vote is settled (200 or POLL_ALREADY_VOTED)"));
    }

    /// <summary>2. Azurite SIGKILLed in the middle of a results fan-out, started again 5 s later.</summary>
    public async Task AzuriteKilledDuringFanOutAsync()
    {
        await progress.StepAsync("faults 2: Azurite killed during a fan-out");
        var polls = await ExpiredPollsAsync(30);
        var peak = new PeakMemory(stack);
        var traffic = new FaultTraffic();
        using var reading = new CancellationTokenSource();
        var readers = traffic.ReadAsync(http, data.Users, 2, reading.Token);
        var (expected, killed) = await CloseAndKillMidwayAsync(polls, traffic, stack.KillAzuriteAsync);
        await Task.Delay(TimeSpan.FromSeconds(5));
        stack.StartAzurite();
        await stack.WaitForAzuriteAsync();
        var back = DateTime.UtcNow;
        var recovered = await probe.WaitDeliveredAsync(polls, DeliveryDeadline, progress);
        await reading.CancelAsync();
        await readers;
        await AddFanOutRowAsync("2. Azurite SIGKILL", $"{polls.Count} polls closing, {expected} recipients; killed after {killed} pushes, restarted 5 s later",
            polls, traffic, recovered, back, peak, "2 background readers");
    }

    /// <summary>3a. The API SIGKILLed in the middle of a fan-out, started again; 3b. in the middle of a closing run.</summary>
    public async Task ApiKilledAsync()
    {
        await progress.StepAsync("faults 3a: API killed during a fan-out");
        var polls = await ExpiredPollsAsync(30);
        var peak = new PeakMemory(stack);
        var traffic = new FaultTraffic();
        var (expected, killed) = await CloseAndKillMidwayAsync(polls, traffic, stack.KillApiAsync);
        await stack.StartApiAsync(apiSettings);
        var back = DateTime.UtcNow;
        var recovered = await probe.WaitDeliveredAsync(polls, DeliveryDeadline, progress);
        await AddFanOutRowAsync("3a. API SIGKILL mid fan-out", $"{polls.Count} polls closing, {expected} recipients; killed after {killed} pushes, restarted at once",
            polls, traffic, recovered, back, peak, "");

        await progress.StepAsync("faults 3b: API killed during a closing run");
        polls = await ExpiredPollsAsync(40);
        peak = new PeakMemory(stack);
        traffic = new FaultTraffic();
        // The run is one statement; the kill lands while it or its dispatch is under way.
        var run = traffic.SendAsync(http, new BenchRequest(HttpMethod.Post, "/admin/functions/ClosePolls", null, "{}"), CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        await stack.KillApiAsync();
        await run;
        await stack.StartApiAsync(apiSettings);
        back = DateTime.UtcNow;
        // The closing timer (every 10 s here) closes whatever the killed run did not.
        recovered = await probe.WaitDeliveredAsync(polls, DeliveryDeadline, progress);
        await AddFanOutRowAsync("3b. API SIGKILL mid closing run", $"{polls.Count} expired polls, {(await probe.CountAsync(polls, false)).Expected} recipients; killed 0.3 s into POST /admin/functions/ClosePolls, restarted at once",
            polls, traffic, recovered, back, peak, "the closing timer runs every 10 s");
    }

    /// <summary>4. Expo answering 429, 500, not at all, or slowly, at random.</summary>
    public async Task ExpoMisbehavingAsync()
    {
        await progress.StepAsync("faults 4: Expo misbehaving");
        var polls = await ExpiredPollsAsync(15);
        var peak = new PeakMemory(stack);
        var traffic = new FaultTraffic();
        expo.Chaos = new ExpoChaos(TooMany: 0.15, ServerError: 0.10, Timeout: 0.05, Slow: 0.15, TimeoutDelay: TimeSpan.FromSeconds(6), SlowDelay: TimeSpan.FromSeconds(1.5));
        expo.Limit = 600;
        var start = DateTime.UtcNow;
        await CloseAsync(traffic);
        var recovered = await probe.WaitDeliveredAsync(polls, DeliveryDeadline, progress);
        expo.Chaos = null;
        var misbehaved = string.Join(", ", expo.Misbehaved.OrderBy(m => m.Key).Select(m => $"{m.Key} {m.Value}"));
        await AddFanOutRowAsync("4. Expo misbehaving", $"{polls.Count} polls closing; Expo answers 15% 429, 10% 500, 5% no answer within 6 s, 15% after 1.5 s",
            polls, traffic, recovered, start, peak, $"answered badly: {misbehaved}; busiest second {expo.BusiestSecond} pushes (pacing 600/s)");
        expo.Limit = 0;
    }

    /// <summary>5. 200 ms added to every database round trip, under mixed load, then taken away.</summary>
    public async Task SlowDatabaseAsync(LatencyProxy proxy)
    {
        await progress.StepAsync("faults 5: 200 ms database latency under mixed load");
        var tuples = await data.CreateVotablePollsAsync(60);
        var users = data.Users.ToDictionary(u => u.Id);
        var queue = new ConcurrentQueue<VoteTuple>(tuples);
        var traffic = new FaultTraffic();
        var peak = new PeakMemory(stack);
        using var stop = new CancellationTokenSource();
        var random = new ThreadLocal<Random>(() => new Random(Environment.CurrentManagedThreadId));
        var workers = Task.WhenAll(Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var r = random.Value!;
                BenchRequest request;
                if (r.Next(4) == 0 && queue.TryDequeue(out var vote))
                {
                    request = new BenchRequest(HttpMethod.Post, $"/v1/polls/{vote.PollId}/vote", users[vote.UserId].Token, JsonSerializer.Serialize(new { optionId = vote.OptionId }));
                }
                else
                {
                    var user = data.Users[r.Next(data.Users.Count)];
                    request = new BenchRequest(HttpMethod.Get, r.Next(2) == 0 ? "/v1/users/me" : "/v1/circles", user.Token);
                }
                try
                {
                    await traffic.SendAsync(http, request, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        })));
        var phases = new List<(string Name, DateTime From, DateTime To)>();
        async Task PhaseAsync(string name, TimeSpan delay, TimeSpan length)
        {
            proxy.Delay = delay;
            var from = DateTime.UtcNow;
            await progress.StatusAsync($"{name}: {delay.TotalMilliseconds:0} ms added for {length.TotalSeconds:0} s");
            await Task.Delay(length);
            phases.Add((name, from, DateTime.UtcNow));
        }
        await PhaseAsync("before", TimeSpan.Zero, TimeSpan.FromSeconds(15));
        await PhaseAsync("200 ms added", TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));
        var restored = DateTime.UtcNow;
        await PhaseAsync("after", TimeSpan.Zero, TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        await workers;
        var before = traffic.Window(phases[0].From, phases[0].To);
        var slow = traffic.Window(phases[1].From, phases[1].To);
        // "Normal again": the last 10 s of the after phase, once queued requests have drained.
        var after = traffic.Window(phases[2].To - TimeSpan.FromSeconds(10), phases[2].To);
        var recovery = Enumerable.Range(0, 20).Select(s => restored + TimeSpan.FromSeconds(s))
            .FirstOrDefault(t => traffic.Window(t, t + TimeSpan.FromSeconds(1)) is { Count: > 0 } w && w.P95 <= Math.Max(before.P95 * 1.5, before.P95 + 50));
        var clean = traffic.Count(s => s is >= 500 and not 503) == 0 && traffic.Count(s => s == 0) == 0;
        Rows.Add(new FaultRow("5. slow database", "32 workers: votes, GET /v1/users/me, GET /v1/circles; 15 s normal, 30 s with 200 ms added per round trip (TCP proxy), 20 s normal",
            $"{traffic.Count(s => s == 200)} answered 200", "—", "—",
            $"{traffic.Failures(200)}; p50/p95 ms before {before.P50:0}/{before.P95:0} ({before.Count} requests), slow {slow.P50:0}/{slow.P95:0} ({slow.Count}), last 10 s after {after.P50:0}/{after.P95:0} ({after.Count}); slowest {traffic.SlowestMs / 1000:0.0} s",
            recovery == default ? "p95 not back within 20 s" : $"p95 back within {(recovery - restored).TotalSeconds + 1:0} s of the delay going",
            peak.Stop(), clean, "no 500 and no unanswered request; 503 counted separately"));
    }

    private async Task<IReadOnlyList<Guid>> ExpiredPollsAsync(int count)
    {
        // Expired polls in the smallest circles; earlier scenarios' messages are gone by now (each waits for its own).
        var circles = data.Circles.OrderBy(c => c.Members.Length).Take(count).ToList();
        var created = await data.CreatePollsAsync(circles, DataLoader.PollKind.Expired, withOptions: false);
        return created.Select(c => c.Poll).ToList();
    }

    /// <summary>
    /// Closes the polls, and as soon as a tenth of their pushes arrived (counted in memory, so the kill
    /// lands while the fan-out and the sends are under way), kills; returns the recipients and the pushes before the kill.
    /// </summary>
    private async Task<(int Expected, int Killed)> CloseAndKillMidwayAsync(IReadOnlyList<Guid> polls, FaultTraffic traffic, Func<Task> kill)
    {
        var expected = (await probe.CountAsync(polls, full: false)).Expected;
        expo.Reset();
        expo.Polls.Clear();
        expo.Polls.UnionWith(polls.Select(p => p.ToString()));
        await CloseAsync(traffic);
        var watch = Stopwatch.StartNew();
        while (expo.Messages < Math.Max(1, expected / 10) && watch.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(10);
        }
        await kill();
        return (expected, (int)expo.Messages);
    }

    private async Task CloseAsync(FaultTraffic traffic)
    {
        var (status, body) = await traffic.SendAsync(http, new BenchRequest(HttpMethod.Post, "/admin/functions/ClosePolls", null, "{}"), CancellationToken.None);
        if (status != 202)
        {
            throw new InvalidOperationException($"ClosePolls answered {status}: {body}");
        }
    }

    private async Task AddFanOutRowAsync(string scenario, string fault, IReadOnlyList<Guid> polls, FaultTraffic traffic, double? recovered, DateTime back, PeakMemory peak, string notes)
    {
        // Duplicates can only show after the fact: give late copies a moment to arrive.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var count = await probe.CountAsync(polls, full: true);
        var clean = count.Missing == 0 && count.InDoubt == 0 && count.Duplicates == 0 && count.InboxMissing == 0 && count.EventsUnconsumed == 0 && count.DuplicateEvents == 0
            && count.PollsOpen == 0 && traffic.Count(s => s is >= 500 and not 503) == 0;
        Rows.Add(new FaultRow(scenario, fault, "—",
            $"{count.Expected} expected: {count.Delivered} delivered, {count.ReportedFailed} recorded failed, {count.InDoubt} in doubt, {count.Missing} missing, {count.Duplicates} duplicates",
            $"{count.InboxMissing} missing; events {count.Events} for {polls.Count} polls ({count.DuplicateEvents} extra), {count.EventsUnconsumed} unconsumed, {count.PollsOpen} polls left open",
            traffic.Failures(200, 202), recovered is { } r ? $"whole {r:0.0} s after {(scenario.StartsWith("4.", StringComparison.Ordinal) ? "the start" : "the restart")}" : $"not whole within {DeliveryDeadline.TotalMinutes:0} min",
            peak.Stop(), clean, notes));
        _ = back;
    }

    /// <summary>Samples the API's VmHWM every half second, across restarts, and keeps the largest.</summary>
    private sealed class PeakMemory
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _sampling;
        private double _peak;

        public PeakMemory(FaultStack stack) => _sampling = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                _peak = Math.Max(_peak, stack.ApiPeakMb() ?? 0);
                try
                {
                    await Task.Delay(500, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });

        public double? Stop()
        {
            _stop.Cancel();
            _sampling.Wait();
            _stop.Dispose();
            return _peak > 0 ? _peak : null;
        }
    }

    public string Markdown(string machine, string commit, string command, IReadOnlyDictionary<string, string> settingsShown)
    {
        var lines = new List<string>
        {
            "# Faults under load",
            "",
            $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC at commit {commit}. {machine}",
            "",
            $"Command: `{command}`. The API runs under Circly.DevHost with these settings changed for the run: " +
                string.Join(", ", settingsShown.Select(s => $"`{s.Key}={s.Value}`")) + " (see bench/README.md, \"Faults\").",
            "",
            $"Verdict: {(Rows.All(r => r.Clean) ? "every scenario clean (0 lost, 0 duplicated, no 500)" : "NOT CLEAN: " + string.Join(", ", Rows.Where(r => !r.Clean).Select(r => r.Scenario)))}.",
            "",
            "| scenario | fault | votes: acknowledged vs counted | pushes (Expo test server) | inbox and outbox | 5xx and no answers | time to recover | API peak MB | clean |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        };
        lines.AddRange(Rows.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"| {r.Scenario} | {r.Fault} | {r.Votes} | {r.Pushes} | {r.Inbox} | {r.Errors} | {r.Recovery} | {(r.PeakMb is { } mb ? mb.ToString("0", CultureInfo.InvariantCulture) : "—")} | {(r.Clean ? "yes" : "**no**")} |")));
        lines.Add("");
        lines.AddRange(Rows.Where(r => r.Notes.Length > 0).Select(r => $"- {r.Scenario}: {r.Notes}"));
        return string.Join('\n', lines) + "\n";
    }
}
