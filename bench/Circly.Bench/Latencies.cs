using System.Globalization;

namespace Circly.Bench;

/// <summary>Collected latencies in milliseconds and their percentiles.</summary>
public sealed class Latencies
{
    private readonly List<double> _samples = [];
    private readonly Lock _gate = new();

    public void Add(double milliseconds)
    {
        lock (_gate)
        {
            _samples.Add(milliseconds);
        }
    }

    public int Count => _samples.Count;

    public double Percentile(double p)
    {
        lock (_gate)
        {
            if (_samples.Count == 0)
            {
                return 0;
            }
            var sorted = _samples.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }

    public double Mean
    {
        get
        {
            lock (_gate)
            {
                return _samples.Count == 0 ? 0 : _samples.Average();
            }
        }
    }

    public static string Ms(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
