using System.Globalization;
using System.Text;

namespace Circly.Bench;

/// <summary>The results table, printed and written to bench/results/&lt;date&gt;-&lt;commit&gt;.md.</summary>
public sealed class Report
{
    private readonly List<string> _rows = [];
    private readonly List<string> _notes = [];
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);

    public const string Header = "| scenario | what | throughput | p50 ms | p95 ms | p99 ms | errors | API VmHWM MB | CPU ms per request: API / PostgreSQL |";

    public string Memory { get; private set; } = "";

    public int ApiPid { get; set; }

    public IReadOnlyDictionary<string, double> Values => _values;

    private double? _voteLimit;
    private double? _ceiling;
    private double? _votes;
    private RunResult? _mixedBest;

    public void Add(string scenario, string what, RunResult result, string unit)
    {
        var l = result.Latencies;
        var statuses = string.Join(", ", result.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"));
        _rows.Add(string.Create(CultureInfo.InvariantCulture,
            $"| {scenario} | {what} | {result.Throughput:0} {unit} | {Latencies.Ms(l.Percentile(50))} | {Latencies.Ms(l.Percentile(95))} | {Latencies.Ms(l.Percentile(99))} | {result.Errors} of {result.Requests:N0} ({statuses}) | {Vm("VmHWM")} | {Cpu(result)} |"));
        _values[$"{scenario}|{what}"] = result.Throughput;
    }

    /// <summary>A timed run; <paramref name="cpu"/> goes in the CPU column (for one run: its CPU seconds).</summary>
    public void AddTimed(string scenario, string what, double seconds, int errors, string detail, string cpu = "")
    {
        _rows.Add(string.Create(CultureInfo.InvariantCulture, $"| {scenario} | {what} | {seconds:0.00} s per run | | | | {errors} ({detail}) | {Vm("VmHWM")} | {cpu} |"));
        _values[$"{scenario}|{what}"] = seconds;
    }

    public void AddRow(string row) => _rows.Add(row);

    private static string Cpu(RunResult result) =>
        result.CpuPerRequest is { } cpu ? string.Create(CultureInfo.InvariantCulture, $"{cpu.Api:0.00} / {cpu.Postgres:0.00}") : "";

    /// <summary>A pgbench row; the one with isLimit is what the API's votes/s are a ratio of.</summary>
    public void AddLimit(string what, double tps, string latency, string pgbenchOutput, double? apiVotesPerSecond, bool isLimit)
    {
        var ratio = apiVotesPerSecond is { } api ? string.Create(CultureInfo.InvariantCulture, $"API votes/s = {api / tps * 100:0}% of this") : "run `votes` too for the ratio";
        _rows.Add(string.Create(CultureInfo.InvariantCulture, $"| limit | {what}, pgbench 16 clients | {tps:0} tps | | | | {latency}; {ratio} | | |"));
        if (isLimit)
        {
            _values["limit"] = tps;
            _voteLimit = tps;
        }
        _notes.Add($"pgbench output ({what}):\n\n```\n" + pgbenchOutput.Trim() + "\n```");
    }

    /// <summary>A GET /health level; the best one is the HTTP ceiling mixed traffic is a ratio of.</summary>
    public void AddCeiling(int concurrency, RunResult result)
    {
        Add("ceiling", $"GET /health (no I/O, no auth) through the same host, concurrency {concurrency}", result, "req/s");
        _ceiling = Math.Max(_ceiling ?? 0, result.Throughput);
    }

    public void SetMixedBest(RunResult best) => _mixedBest = best;

    public void SetVotes(double votesPerSecond) => _votes = votesPerSecond;

    /// <summary>The run's ratios: what the targets are stated in, because absolute figures move with the machine.</summary>
    public IEnumerable<string> Ratios()
    {
        if (_votes is { } votes && _voteLimit is { } limit)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"- votes: {votes:0} votes/s = **{votes / limit * 100:0}%** of the vote limit ({limit:0} tps, the one statement through pgbench); target ≥ 70%.");
        }
        if (_mixedBest is { } mixed && _ceiling is { } ceiling)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"- mixed: best level (concurrency {mixed.Concurrency}, p99 {Latencies.Ms(mixed.Latencies.Percentile(99))} ms) {mixed.Throughput:0} req/s = **{mixed.Throughput / ceiling * 100:0}%** of the HTTP ceiling ({ceiling:0} req/s on GET /health); target ≥ 40%.");
        }
        else if (_ceiling is { } onlyCeiling)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"- mixed: no level had p99 < 20 ms without errors; HTTP ceiling {onlyCeiling:0} req/s.");
        }
    }

    public void Note(string scenario, string note) => _notes.Add($"{scenario}: {note}");

    private double _earlierPeakMb;

    public Task AddMemoryAsync(int pid)
    {
        Memory = string.Create(CultureInfo.InvariantCulture, $"API process (DevHost, pid {pid}): peak resident memory VmHWM {Math.Max(PeakMb(), _earlierPeakMb):0} MB over the run (each row's VmHWM is its scenario's own peak), now VmRSS {Vm("VmRSS")} MB.");
        return Task.CompletedTask;
    }

    /// <summary>
    /// Starts a new peak: VmHWM is reset to the current resident size (Linux: "5" to clear_refs), so
    /// the next rows' VmHWM is this scenario's peak, not the highest of every scenario before it.
    /// </summary>
    public void ResetPeak()
    {
        _earlierPeakMb = Math.Max(_earlierPeakMb, PeakMb());
        try
        {
            File.WriteAllText($"/proc/{ApiPid}/clear_refs", "5");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Not resettable here: the column stays the process's peak so far.
        }
    }

    /// <summary>The API's VmHWM since the last reset, in MB (0 when unreadable).</summary>
    private double PeakMb() => double.TryParse(Vm("VmHWM"), CultureInfo.InvariantCulture, out var mb) ? mb : 0;

    /// <summary>A /proc/&lt;pid&gt;/status value in MB.</summary>
    public string Vm(string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{ApiPid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            if (line is null)
            {
                return "?";
            }
            var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return (kb / 1024.0).ToString("0", CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return "?";
        }
    }

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine(Header);
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var row in _rows)
        {
            text.AppendLine(row);
        }
        var ratios = Ratios().ToList();
        if (ratios.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Ratios in this run:");
            text.AppendLine();
            foreach (var ratio in ratios)
            {
                text.AppendLine(ratio);
            }
        }
        return text.ToString();
    }

    public string Markdown(string machine, string commit, string command)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Circly benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, commit {commit}");
        text.AppendLine();
        text.AppendLine(machine);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Command: `{command}`. The load generator, the API and PostgreSQL share the same cores. See bench/README.md for how to read this.");
        text.AppendLine();
        text.Append(Table());
        text.AppendLine();
        if (Memory.Length > 0)
        {
            text.AppendLine(Memory);
            text.AppendLine();
        }
        foreach (var note in _notes)
        {
            text.AppendLine(note);
            text.AppendLine();
        }
        return text.ToString();
    }
}
