using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Circly.Bench;

/// <summary>Where the fault scenarios' own stack lives; bench/run.sh faults passes it in the environment.</summary>
public sealed record FaultStackSettings(string Root, string Work, int ApiPort, int PgPort, int BlobPort, string DevHostDll)
{
    public int QueuePort => BlobPort + 1;

    public int TablePort => BlobPort + 2;

    public string PgData => Path.Combine(Work, "faults-postgres");

    public string AzuriteData => Path.Combine(Work, "faults-azurite");

    public string ApiUrl => $"http://127.0.0.1:{ApiPort}";
}

/// <summary>
/// The processes the fault scenarios start, kill with SIGKILL and start again: PostgreSQL (a
/// private cluster through scripts/postgres.sh), Azurite (scripts/azurite.sh) and the API
/// (Circly.DevHost). Only these, by the ids it started them with; <see cref="DisposeAsync"/> stops
/// whatever is still running, also when the run is interrupted.
/// </summary>
public sealed class FaultStack(FaultStackSettings settings) : IAsyncDisposable
{
    private Process? _azurite;
    private Process? _api;
    private bool _postgresStarted;

    public FaultStackSettings Settings => settings;

    public int? ApiPid => _api is { HasExited: false } api ? api.Id : null;

    public async Task StartPostgresAsync()
    {
        await RunAsync("bash", [Script("postgres.sh"), "start", settings.PgData, settings.PgPort.ToString(CultureInfo.InvariantCulture), "circly_faults"]);
        _postgresStarted = true;
    }

    /// <summary>SIGKILL to the postmaster and every backend it forked, as an out-of-memory killer or a power cut would.</summary>
    public async Task KillPostgresAsync()
    {
        var pidFile = Path.Combine(settings.PgData, "postmaster.pid");
        var postmaster = int.Parse((await File.ReadAllLinesAsync(pidFile))[0], CultureInfo.InvariantCulture);
        var family = ChildrenOf(postmaster).Append(postmaster).ToList();
        foreach (var pid in family)
        {
            Kill(pid);
        }
        await WaitUntilAsync(() => !IsListening(settings.PgPort) && family.All(pid => !Directory.Exists($"/proc/{pid}")), TimeSpan.FromSeconds(30), "PostgreSQL to die");
    }

    public void StartAzurite()
    {
        _azurite = Start("bash", [Script("azurite.sh"), settings.AzuriteData, Port(settings.BlobPort), Port(settings.QueuePort), Port(settings.TablePort)], new Dictionary<string, string>());
    }

    public Task WaitForAzuriteAsync() =>
        WaitUntilAsync(() => IsListening(settings.QueuePort) && IsListening(settings.TablePort) && IsListening(settings.BlobPort), TimeSpan.FromSeconds(120), "Azurite to listen");

    public async Task KillAzuriteAsync()
    {
        await KillAsync(_azurite);
        _azurite = null;
    }

    /// <summary>Starts the API with the run's environment plus <paramref name="overrides"/>, and waits for GET /health.</summary>
    public async Task StartApiAsync(IReadOnlyDictionary<string, string> overrides)
    {
        var environment = new Dictionary<string, string>(overrides)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        _api = Start("dotnet", [settings.DevHostDll, "--urls", settings.ApiUrl], environment, Path.Combine(settings.Work, "faults-api.log"));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await WaitUntilAsync(async () =>
        {
            try
            {
                using var response = await client.GetAsync($"{settings.ApiUrl}/health");
                return response.IsSuccessStatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(180), "the API to answer /health");
    }

    public async Task KillApiAsync()
    {
        await KillAsync(_api);
        _api = null;
    }

    /// <summary>The API's peak resident memory so far (VmHWM), in MB; null when it is not running.</summary>
    public double? ApiPeakMb()
    {
        if (ApiPid is not { } pid)
        {
            return null;
        }
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync(_api);
        await KillAsync(_azurite);
        if (_postgresStarted)
        {
            await RunAsync("bash", [Script("postgres.sh"), "stop", settings.PgData]);
        }
    }

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Process.Kill sends SIGKILL on Linux; azurite.sh execs node, so the id is Azurite's own.</summary>
    private static async Task KillAsync(Process? process)
    {
        if (process is null || process.HasExited)
        {
            return;
        }
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    private static IEnumerable<int> ChildrenOf(int parent) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name is not null && name.All(char.IsAsciiDigit))
            .Select(name => int.Parse(name!, CultureInfo.InvariantCulture))
            .Where(pid =>
            {
                try
                {
                    var stat = File.ReadAllText($"/proc/{pid}/stat");
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    return int.Parse(fields[1], CultureInfo.InvariantCulture) == parent;
                }
                catch (IOException)
                {
                    return false;
                }
            })
            .ToList();

    private string Script(string name) => Path.Combine(settings.Root, "scripts", name);

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static Process Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string? log = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var writer = log is null ? null : TextWriter.Synchronized(new StreamWriter(log, append: true) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => writer?.WriteLine(e.Data);
        process.ErrorDataReceived += (_, e) => writer?.WriteLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task RunAsync(string file, IEnumerable<string> args)
    {
        using var process = Start(file, args, new Dictionary<string, string>());
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}");
        }
    }

    public static bool IsListening(int port)
    {
        try
        {
            using var socket = new TcpClient();
            socket.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>Waits on a condition (never a fixed sleep), generously: the machine is shared.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Gave up waiting {timeout.TotalSeconds:0}s for {what}.");
            }
            await Task.Delay(200);
        }
    }
}
