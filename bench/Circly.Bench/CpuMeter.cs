using System.Globalization;

namespace Circly.Bench;

/// <summary>
/// CPU time used by the API process and by the PostgreSQL server (the postmaster's children: the
/// connections' backends and the background processes), from /proc. CPU per request is steadier
/// than throughput on a shared machine: other people's work slows both, but adds to neither.
/// Azurite's process too, when its id is known (the fan-out's Storage cost).
/// PostgreSQL's figure counts each process's reaped children too (cutime, cstime): a backend that
/// exits inside a window moves its CPU into the postmaster's children's time, so the total never
/// goes backwards (without it, CPU per request read negative when connections closed mid-window).
/// </summary>
public sealed class CpuMeter(int apiPid, int postgresPid, int azuritePid = 0)
{
    private const double MsPerTick = 10; // USER_HZ is 100 on Linux

    public (double ApiMs, double PostgresMs) Snapshot()
    {
        double api = 0, postgres = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            if (Read(pid) is not { } stat)
            {
                continue;
            }
            if (pid == apiPid)
            {
                api += stat.Ticks * MsPerTick;
            }
            else if (postgresPid > 0 && (pid == postgresPid || stat.Parent == postgresPid))
            {
                postgres += (stat.Ticks + stat.ReapedChildTicks) * MsPerTick;
            }
        }
        return (api, postgres);
    }

    /// <summary>CPU ms of the Azurite process so far; null when its id is not known.</summary>
    public double? AzuriteMs() => azuritePid > 0 && Read(azuritePid) is { } stat ? stat.Ticks * MsPerTick : null;

    private static (int Parent, long Ticks, long ReapedChildTicks)? Read(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) in parentheses: state, ppid, ...
            // utime (14th), stime (15th), cutime (16th), cstime (17th).
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (int.Parse(fields[1], CultureInfo.InvariantCulture),
                Ticks(fields[11]) + Ticks(fields[12]),
                Ticks(fields[13]) + Ticks(fields[14]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static long Ticks(string field) => long.Parse(field, CultureInfo.InvariantCulture);
}
