using System.Collections.Concurrent;
using System.Diagnostics;

namespace Circly.Bench;

/// <summary>
/// Requests sent while a fault happens, and what came back: status counts (0 = no answer: refused,
/// cut off or timed out), the slowest answer, and the first success after a moment (recovery).
/// </summary>
public sealed class FaultTraffic
{
    private readonly ConcurrentDictionary<int, long> _statuses = new();
    private readonly ConcurrentQueue<(DateTime At, int Status, double Ms)> _answers = new();
    private long _slowestTicks;

    public IReadOnlyDictionary<int, long> Statuses => _statuses;

    public double SlowestMs => TimeSpan.FromTicks(Interlocked.Read(ref _slowestTicks)).TotalMilliseconds;

    public async Task<(int Status, string Body)> SendAsync(LoadGenerator http, BenchRequest request, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        int status;
        string body;
        try
        {
            (status, body, var response) = await http.SendAsync(request, cancellationToken);
            response.Dispose();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            (status, body) = (0, exception.GetType().Name);
        }
        var elapsed = watch.Elapsed;
        _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        _answers.Enqueue((DateTime.UtcNow, status, elapsed.TotalMilliseconds));
        long seen;
        while (elapsed.Ticks > (seen = Interlocked.Read(ref _slowestTicks)) && Interlocked.CompareExchange(ref _slowestTicks, elapsed.Ticks, seen) != seen)
        {
        }
        return (status, body);
    }

    /// <summary>Seconds from <paramref name="after"/> to the first 2xx answer sent after it; null when none came.</summary>
    public double? FirstSuccessAfter(DateTime after)
    {
        var first = _answers.Where(a => a.Status is >= 200 and < 300 && a.At - TimeSpan.FromMilliseconds(a.Ms) >= after).Select(a => a.At).DefaultIfEmpty().Min();
        return first == default ? null : (first - after).TotalSeconds;
    }

    /// <summary>Latency percentiles of 2xx answers sent within a window.</summary>
    public (double P50, double P95, int Count) Window(DateTime from, DateTime to)
    {
        var ms = _answers.Where(a => a.Status is >= 200 and < 300 && a.At >= from && a.At < to).Select(a => a.Ms).Order().ToArray();
        return ms.Length == 0 ? (0, 0, 0) : (ms[(int)(ms.Length * 0.5)], ms[Math.Min(ms.Length - 1, (int)(ms.Length * 0.95))], ms.Length);
    }

    /// <summary>"500×2, 503×40, no answer×3": every status outside 2xx and the expected 4xx.</summary>
    public string Failures(params int[] expected)
    {
        var bad = _statuses.Where(s => s.Key is not (>= 200 and < 300) && !expected.Contains(s.Key)).OrderBy(s => s.Key)
            .Select(s => $"{(s.Key == 0 ? "no answer" : s.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}×{s.Value}").ToList();
        return bad.Count == 0 ? "none" : string.Join(", ", bad);
    }

    public long Count(Func<int, bool> which) => _statuses.Where(s => which(s.Key)).Sum(s => s.Value);

    /// <summary>Background readers (profile and inbox of random users) until cancelled.</summary>
    public Task ReadAsync(LoadGenerator http, IReadOnlyList<BenchUser> users, int workers, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            var random = new Random(w);
            while (!cancellationToken.IsCancellationRequested)
            {
                var user = users[random.Next(users.Count)];
                var path = random.Next(2) == 0 ? "/v1/users/me" : "/v1/notifications?limit=20";
                try
                {
                    await SendAsync(http, new BenchRequest(HttpMethod.Get, path, user.Token), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                await Task.Delay(50, CancellationToken.None);
            }
        }));
}
