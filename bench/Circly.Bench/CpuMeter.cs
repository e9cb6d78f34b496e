using System.Globalization;

namespace Circly.Bench;

/// <summary>
/// CPU time used by the API process and by the PostgreSQL server (the postmaster's children: the
/// connections' backends and the background processes), from /proc. CPU per request is steadier
/// than throughput on a shared machine: other people's work slows both, but adds to neither.
/// Azurite's process too, when its id is known (the fan-out's Storage cost).
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
                postgres += stat.Ticks * MsPerTick;
            }
        }
        return (api, postgres);
    }

    /// <summary>CPU ms of the Azurite process so far; null when its id is not known.</summary>
    public double? AzuriteMs() => azuritePid > 0 && Read(azuritePid) is { } stat ? stat.Ticks * MsPerTick : null;

    private static (int Parent, long Ticks)? Read(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) in parentheses: state, ppid, ... utime (14th), stime (15th).
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (int.Parse(fields[1], CultureInfo.InvariantCulture),
                long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
