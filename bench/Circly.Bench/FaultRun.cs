using System.Globalization;
using Npgsql;

namespace Circly.Bench;

/// <summary>
/// ./bench/run.sh faults: starts its own PostgreSQL, Azurite, Expo test server and API, loads a
/// little data, runs the fault scenarios and writes the results file. Everything it started is
/// stopped when it ends, also on an error or Ctrl-C.
/// </summary>
internal static class FaultRun
{
    public static async Task<int> RunAsync(string[] only)
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        string Env(string name) => Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set (run through bench/run.sh faults)");
        int Port(string name) => int.Parse(Env(name), CultureInfo.InvariantCulture);
        var settings = new FaultStackSettings(Env("FAULTS_ROOT"), Env("FAULTS_WORK"), Port("FAULTS_API_PORT"), Port("FAULTS_PG_PORT"), Port("FAULTS_AZURITE_PORT"), Env("FAULTS_DEVHOST_DLL"));
        var progress = new Progress();
        foreach (var dir in new[] { settings.PgData, settings.AzuriteData })
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        File.Delete(Path.Combine(settings.Work, "faults-api.log"));

        await using var stack = new FaultStack(settings);
        using var interrupted = new CancellationTokenSource();
        // Ctrl-C or SIGTERM (bench/run.sh's trap): stop the scenario, then the stack in the using above.
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stack.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Environment.Exit(143);
        });
        await progress.StepAsync($"starting PostgreSQL on {settings.PgPort} and Azurite on {settings.BlobPort}-{settings.TablePort}");
        await stack.StartPostgresAsync();
        stack.StartAzurite();
        await stack.WaitForAzuriteAsync();
        var storage = Env("FAULTS_STORAGE");
        await using var proxy = new LatencyProxy(settings.PgPort);
        await using var expo = await ExpoBenchServer.StartAsync(Port("FAULTS_EXPO_PORT"));

        var database = $"Host=127.0.0.1;Port={settings.PgPort};Database=circly_faults";
        var apiSettings = new Dictionary<string, string>
        {
            // The API reaches PostgreSQL through the latency proxy (no delay but in scenario 5).
            ["Database__ConnectionString"] = $"Host=127.0.0.1;Port={proxy.Port};Database=circly_faults;Username=circly_app;Timeout=5",
            ["Database__MigrationConnectionString"] = $"{database};Username=circly_owner;Timeout=15",
            ["Database__MigrateOnStartup"] = "true",
            ["AzureWebJobsStorage"] = storage,
            ["Expo__BaseUrl"] = $"http://127.0.0.1:{Port("FAULTS_EXPO_PORT")}",
            ["Expo__MaxPerSecond"] = "600",
            ["DevHost__RunTimers"] = "true",
        };
        // What differs from local.settings.sample.json for the run, and is shown in the results file.
        var shown = new Dictionary<string, string>
        {
            ["CLOSE_POLLS_SCHEDULE"] = "*/10 * * * * *",
            ["OUTBOX_SWEEP_SCHEDULE"] = "*/10 * * * * *",
            ["Outbox__RedeliverAfter"] = "00:00:30",
            ["Expo__RequestTimeout"] = "00:00:05",
        };
        foreach (var (key, value) in shown)
        {
            apiSettings[key] = value;
        }
        await progress.StepAsync($"starting the API on {settings.ApiUrl}");
        await stack.StartApiAsync(apiSettings);

        await using var db = NpgsqlDataSource.Create($"{database};Username=postgres;Timeout=15;Command Timeout=600");
        using var client = LoadGenerator.CreateClient(settings.ApiUrl);
        client.Timeout = TimeSpan.FromSeconds(30);
        var http = new LoadGenerator(client);
        var data = new DataLoader(db, http, progress);
        await progress.StepAsync("loading data: 400 users, 50 circles");
        await data.LoadBaseAsync(400, 50, closedPerCircle: 0);
        var probe = new FaultProbe(db, storage, expo);
        await data.GiveEveryoneADeviceAsync();

        var scenarios = new FaultScenarios(stack, db, http, data, probe, expo, apiSettings, progress);
        var selected = only.Length == 0 ? ["1", "2", "3", "4", "5"] : only;
        foreach (var scenario in selected)
        {
            try
            {
                switch (scenario)
                {
                    case "1": await scenarios.PostgresKilledDuringVotesAsync(); break;
                    case "2": await scenarios.AzuriteKilledDuringFanOutAsync(); break;
                    case "3": await scenarios.ApiKilledAsync(); break;
                    case "4": await scenarios.ExpoMisbehavingAsync(); break;
                    case "5": await scenarios.SlowDatabaseAsync(proxy); break;
                    default:
                        await Console.Error.WriteLineAsync($"unknown fault scenario {scenario}; known: 1 2 3 4 5");
                        return 2;
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                await progress.StepAsync($"scenario {scenario} could not finish: {exception.GetType().Name}: {exception.Message}");
                scenarios.Rows.Add(new FaultRow($"{scenario}. (did not finish)", exception.GetType().Name, "—", "—", "—", "—", exception.Message.Replace('|', '/'), null, false, ""));
                await RestoreAsync(stack, apiSettings);
            }
        }

        var markdown = scenarios.Markdown(Env("BENCH_MACHINE"), Env("BENCH_COMMIT"), Env("BENCH_COMMAND"), shown);
        await Console.Out.WriteAsync(markdown);
        var output = Env("BENCH_RESULTS");
        await File.WriteAllTextAsync(output, markdown);
        await progress.StepAsync($"results written to {output}");
        return scenarios.Rows.All(r => r.Clean) ? 0 : 1;
    }

    /// <summary>After a scenario that broke off: whatever it killed runs again, so the next one starts whole.</summary>
    private static async Task RestoreAsync(FaultStack stack, IReadOnlyDictionary<string, string> apiSettings)
    {
        if (!FaultStack.IsListening(stack.Settings.PgPort))
        {
            await stack.StartPostgresAsync();
        }
        if (!FaultStack.IsListening(stack.Settings.QueuePort))
        {
            stack.StartAzurite();
            await stack.WaitForAzuriteAsync();
        }
        if (stack.ApiPid is null)
        {
            await stack.StartApiAsync(apiSettings);
        }
    }
}
