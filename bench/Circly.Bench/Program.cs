using System.Globalization;
using Circly.Bench;
using Npgsql;

// Entry point of the benchmark tools; bench/run.sh drives them.
var command = args.FirstOrDefault() ?? "";
switch (command)
{
    case "ratelimit-cost":
        var rows = await RateLimitCost.RunAsync(args[1], args[2], hits: int.Parse(args.ElementAtOrDefault(3) ?? "2000", CultureInfo.InvariantCulture), concurrency: 16);
        await Console.Out.WriteLineAsync("| store | concurrent callers | hits/s | mean ms | p50 ms | p99 ms |");
        await Console.Out.WriteLineAsync("| --- | --- | --- | --- | --- | --- |");
        foreach (var row in rows)
        {
            await Console.Out.WriteLineAsync(row);
        }
        break;
    case "sharecard-cost":
        var cardRows = await ShareCardCost.RunAsync(args[1], args[2], renders: int.Parse(args.ElementAtOrDefault(3) ?? "200", CultureInfo.InvariantCulture),
            answers: int.Parse(args.ElementAtOrDefault(4) ?? "500", CultureInfo.InvariantCulture));
        await Console.Out.WriteLineAsync("| what | samples | mean ms | p50 ms | p95 ms | p99 ms | CPU ms each | p50 ÷ baseline p50 |");
        await Console.Out.WriteLineAsync("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var row in cardRows)
        {
            await Console.Out.WriteLineAsync(row);
        }
        break;
    case "cleanup-cost":
        var measurements = await CleanupCost.RunAsync(args[1], args[2], outboxRows: int.Parse(args[3], CultureInfo.InvariantCulture),
            rounds: int.Parse(args.ElementAtOrDefault(4) ?? "2", CultureInfo.InvariantCulture), line => Console.Error.WriteLineAsync(line));
        foreach (var line in CleanupCost.Table(measurements))
        {
            await Console.Out.WriteLineAsync(line);
        }
        break;
    case "analytics-store":
        var storeRows = await AnalyticsStoreCost.RunAsync(args[1], args[2], recorded: int.Parse(args[3], CultureInfo.InvariantCulture),
            perDay: int.Parse(args[4], CultureInfo.InvariantCulture), concurrency: 16, line => Console.Error.WriteLineAsync(line));
        foreach (var line in AnalyticsStoreCost.Table(storeRows))
        {
            await Console.Out.WriteLineAsync(line);
        }
        break;
    case "run":
        return await BenchRun.RunAsync(args.Skip(1).ToArray());
    case "faults":
        return await FaultRun.RunAsync(args.Skip(1).ToArray());
    default:
        await Console.Error.WriteLineAsync("""
            usage: Circly.Bench ratelimit-cost <postgres-connection> <storage-connection> [hits]
                   Circly.Bench cleanup-cost <postgres-connection> <api-url> <outbox-rows> [rounds]
                   Circly.Bench sharecard-cost <postgres-connection> <storage-connection> [renders] [answers]
                   Circly.Bench analytics-store <postgres-connection> <storage-connection> <recorded> <per-day>
                   Circly.Bench run [votes|limit|ceiling|mixed|results|fanout|closing|growth ...]   (environment from bench/run.sh)
                   Circly.Bench faults [1 2 3 4 5]   (environment from bench/run.sh faults)
            """);
        return 2;
}
return 0;

internal static class BenchRun
{
    public static readonly string[] All = ["growth", "votes", "limit", "ceiling", "mixed", "results", "fanout", "closing"];

    public static async Task<int> RunAsync(string[] scenarios)
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        var selected = scenarios.Length == 0 || scenarios.Contains("all") ? All : scenarios;
        string Env(string name) => Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set (run through bench/run.sh)");
        var connection = Env("BENCH_PG");
        var builder = new NpgsqlConnectionStringBuilder(connection);
        var settings = new BenchSettings(
            Quick: Environment.GetEnvironmentVariable("BENCH_QUICK") is "1" or "true",
            ApiUrl: Env("BENCH_API_URL"),
            ApiPid: int.Parse(Env("BENCH_API_PID"), CultureInfo.InvariantCulture),
            PgBenchPath: Env("BENCH_PGBENCH"),
            PgHost: builder.Host!,
            PgPort: builder.Port,
            PgDatabase: builder.Database!);
        var progress = new Progress();
        await using var db = NpgsqlDataSource.Create(connection);
        using var client = LoadGenerator.CreateClient(settings.ApiUrl);
        var http = new LoadGenerator(client)
        {
            Cpu = new CpuMeter(settings.ApiPid, int.TryParse(Environment.GetEnvironmentVariable("BENCH_PG_PID"), out var postgresPid) ? postgresPid : 0,
                int.TryParse(Environment.GetEnvironmentVariable("BENCH_AZURITE_PID"), out var azuritePid) ? azuritePid : 0),
        };
        var report = new Report { ApiPid = settings.ApiPid };
        var data = new DataLoader(db, http, progress);
        await using var expo = await ExpoBenchServer.StartAsync(int.Parse(Env("BENCH_EXPO_PORT"), CultureInfo.InvariantCulture));
        var scenarioRunner = new Scenarios(settings, db, http, data, report, progress);

        await progress.StepAsync($"loading data{(settings.Quick ? " (BENCH_QUICK: small data, short runs)" : "")}");
        await data.LoadBaseAsync(settings.Users, settings.CirclesCount, closedPerCircle: 1);

        double? votes = null;
        foreach (var scenario in selected)
        {
            // Each scenario's rows show its own memory peak.
            report.ResetPeak();
            switch (scenario)
            {
                case "votes":
                    votes = (await scenarioRunner.VotesAsync()).Throughput;
                    report.SetVotes(votes.Value);
                    break;
                case "limit":
                    await scenarioRunner.PgBenchAsync(votes);
                    break;
                case "ceiling":
                    await scenarioRunner.CeilingAsync();
                    break;
                case "mixed":
                    await scenarioRunner.MixedAsync();
                    break;
                case "results":
                    await scenarioRunner.ResultsAsync();
                    break;
                case "closing":
                    await scenarioRunner.ClosingAsync();
                    break;
                case "growth":
                    await scenarioRunner.GrowthAsync();
                    break;
                case "fanout":
                    await scenarioRunner.FanOutAsync(expo, pacing: 0);
                    break;
                case "inbox":
                    await new InboxWriteCost(db, Env("BENCH_STORAGE"), http.Cpu, report, progress).RunAsync(recipients: 10_000);
                    break;
                case "fanout-paced":
                    await scenarioRunner.FanOutAsync(expo, pacing: int.Parse(Env("Expo__MaxPerSecond"), CultureInfo.InvariantCulture));
                    break;
                default:
                    await Console.Error.WriteLineAsync($"unknown scenario {scenario}; known: {string.Join(' ', All)} inbox");
                    return 2;
            }
        }
        await scenarioRunner.MemoryAsync();

        var table = report.Table();
        await Console.Out.WriteLineAsync();
        await Console.Out.WriteAsync(table);
        await Console.Out.WriteLineAsync(report.Memory);
        var output = Environment.GetEnvironmentVariable("BENCH_RESULTS");
        if (!string.IsNullOrEmpty(output))
        {
            if (Environment.GetEnvironmentVariable("BENCH_APPEND") == "1" && File.Exists(output))
            {
                await File.AppendAllTextAsync(output, $"\n## {Env("BENCH_APPEND_TITLE")}\n\n{table}\n{report.Memory}\n");
            }
            else
            {
                await File.WriteAllTextAsync(output, report.Markdown(Env("BENCH_MACHINE"), Env("BENCH_COMMIT"), Env("BENCH_COMMAND")));
            }
            await progress.StepAsync($"results written to {output}");
        }
        return 0;
    }
}
