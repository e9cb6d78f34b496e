using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Circly.Bench;

/// <summary>One request a worker sends, and what counts as a success.</summary>
public sealed record BenchRequest(HttpMethod Method, string Path, string? Token, string? Body = null, string? IfNoneMatch = null, Action<HttpResponseMessage, string>? OnResponse = null);

/// <summary>What one measured run produced.</summary>
public sealed record RunResult(string Name, int Concurrency, long Requests, long Errors, double Seconds, Latencies Latencies, IReadOnlyDictionary<int, long> Statuses)
{
    public double Throughput => Requests / Seconds;

    /// <summary>CPU ms per measured request of the API process and of PostgreSQL (null without a CpuMeter).</summary>
    public (double Api, double Postgres)? CpuPerRequest { get; init; }
}

/// <summary>
/// Closed-loop HTTP load: N workers each send a request, wait for the answer, send the next.
/// A warm-up period runs first and is not measured. Latency is measured per request around
/// SendAsync plus reading the body.
/// </summary>
public sealed class LoadGenerator(HttpClient client)
{
    /// <summary>When set, each run reports CPU per request over its measured period.</summary>
    public CpuMeter? Cpu { get; init; }

    public static HttpClient CreateClient(string baseUrl)
    {
        var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 2048,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(60),
        };
        // The admin API (POST /admin/functions/...) wants the host's master key; functions ignore it.
        if (Environment.GetEnvironmentVariable("DevHost__MasterKey") is { Length: > 0 } masterKey)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", masterKey);
        }
        return client;
    }

    public async Task<(int Status, string Body, HttpResponseMessage Response)> SendAsync(BenchRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, request.Path);
        if (request.Token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", request.Token);
        }
        if (request.IfNoneMatch is not null)
        {
            message.Headers.TryAddWithoutValidation("If-None-Match", request.IfNoneMatch);
        }
        if (request.Body is not null)
        {
            message.Content = new StringContent(request.Body, Encoding.UTF8, "application/json");
        }
        var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return ((int)response.StatusCode, body, response);
    }

    /// <summary>Runs <paramref name="next"/> from <paramref name="concurrency"/> workers; null from next ends a worker.</summary>
    public async Task<RunResult> RunAsync(string name, int concurrency, TimeSpan warmUp, TimeSpan duration, Func<BenchRequest?> next, Progress progress)
    {
        var latencies = new Latencies();
        long requests = 0, errors = 0;
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, long>();
        var total = Stopwatch.StartNew();
        var measureFrom = warmUp;
        var end = warmUp + duration;
        var measuredStart = TimeSpan.Zero;
        double measuredEnd = 0;
        var startGate = 0;
        (double ApiMs, double PostgresMs) cpuAtStart = default;
        using var ticker = new CancellationTokenSource();
        var tick = Task.Run(async () =>
        {
            while (!ticker.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(1000, ticker.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                var elapsed = total.Elapsed;
                var phase = elapsed < measureFrom ? "warm-up" : "measuring";
                await progress.StatusAsync($"{name} c={concurrency}: {phase} {elapsed.TotalSeconds:0}s/{end.TotalSeconds:0}s, {Interlocked.Read(ref requests)} measured requests, {Interlocked.Read(ref errors)} errors");
            }
        });
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var now = total.Elapsed;
                if (now >= end)
                {
                    break;
                }
                var request = next();
                if (request is null)
                {
                    break;
                }
                var measuring = now >= measureFrom;
                if (measuring && Interlocked.Exchange(ref startGate, 1) == 0)
                {
                    measuredStart = now;
                    cpuAtStart = Cpu?.Snapshot() ?? default;
                }
                var watch = Stopwatch.StartNew();
                int status;
                try
                {
                    var (code, body, response) = await SendAsync(request, CancellationToken.None);
                    using (response)
                    {
                        status = code;
                        request.OnResponse?.Invoke(response, body);
                    }
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }
                catch (TaskCanceledException)
                {
                    status = -1;
                }
                var elapsedMs = watch.Elapsed.TotalMilliseconds;
                if (!measuring)
                {
                    continue;
                }
                latencies.Add(elapsedMs);
                Interlocked.Increment(ref requests);
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status is not (>= 200 and < 300) and not 304)
                {
                    Interlocked.Increment(ref errors);
                }
                var finished = total.Elapsed.TotalSeconds;
                lock (latencies)
                {
                    measuredEnd = Math.Max(measuredEnd, finished);
                }
            }
        })));
        var cpuAtEnd = Cpu?.Snapshot();
        await ticker.CancelAsync();
        await tick;
        var seconds = Math.Max(0.001, measuredEnd - measuredStart.TotalSeconds);
        return new RunResult(name, concurrency, requests, errors, seconds, latencies, statuses.ToDictionary(kv => kv.Key, kv => kv.Value))
        {
            CpuPerRequest = cpuAtEnd is { } cpu && requests > 0
                ? ((cpu.ApiMs - cpuAtStart.ApiMs) / requests, (cpu.PostgresMs - cpuAtStart.PostgresMs) / requests)
                : null,
        };
    }
}
