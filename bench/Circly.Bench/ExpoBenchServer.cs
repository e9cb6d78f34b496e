using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Circly.Bench;

/// <summary>
/// An Expo-compatible push endpoint for the fan-out benchmark: POST /--/api/v2/push/send answers
/// an ok ticket per message and counts them. With a limit, it behaves as Expo does for a project
/// over its rate: a call that would take the current second above the limit gets 429. The fault
/// scenarios also read how often each (token, poll) was accepted (<see cref="AcceptedFor"/>) and
/// can make it misbehave (<see cref="Chaos"/>).
/// </summary>
public sealed class ExpoBenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, int> _perSecond = [];
    private long _messages;
    private long _calls;
    private long _tooMany;
    private long _lastTicks;
    private long _firstTicks;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Token, string Poll), int> _accepted = new();

    private ExpoBenchServer(WebApplication app) => _app = app;

    /// <summary>Misbehaviour for the fault scenarios; null = a well-behaved Expo.</summary>
    public ExpoChaos? Chaos { get; set; }

    /// <summary>How many times a notification for this token about this poll was accepted (answered with an ok ticket).</summary>
    public int AcceptedFor(string token, string poll) => _accepted.TryGetValue((token, poll), out var n) ? n : 0;

    /// <summary>
    /// Devices that received at least one push about one of <see cref="Polls"/>, and the pushes beyond
    /// the first per (device, poll): each poll is one event, so those are duplicates.
    /// </summary>
    public (int Devices, long Duplicates) DistinctOfPolls()
    {
        int devices = 0;
        long duplicates = 0;
        foreach (var ((_, poll), n) in _accepted)
        {
            if (Polls.Contains(poll))
            {
                devices++;
                duplicates += n - 1;
            }
        }
        return (devices, duplicates);
    }

    /// <summary>What the misbehaving server answered instead of tickets, by kind.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, long> Misbehaved { get; } = new();

    /// <summary>Only pushes about these polls (data.pollId) are counted; others are answered and counted in Others.</summary>
    public HashSet<string> Polls { get; } = new(StringComparer.OrdinalIgnoreCase);

    private long _others;

    public long Others => Interlocked.Read(ref _others);

    /// <summary>Messages per second above which calls get 429; 0 = no limit.</summary>
    public int Limit { get; set; }

    public long Messages => Interlocked.Read(ref _messages);

    public long Calls => Interlocked.Read(ref _calls);

    public long TooMany => Interlocked.Read(ref _tooMany);

    public DateTime FirstMessageAt => new(Interlocked.Read(ref _firstTicks), DateTimeKind.Utc);

    public DateTime LastMessageAt => new(Interlocked.Read(ref _lastTicks), DateTimeKind.Utc);

    public int BusiestSecond
    {
        get
        {
            lock (_gate)
            {
                return _perSecond.Count == 0 ? 0 : _perSecond.Values.Max();
            }
        }
    }

    public static async Task<ExpoBenchServer> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ExpoBenchServer(app);
        app.MapPost("/--/api/v2/push/send", server.SendAsync);
        app.MapPost("/--/api/v2/push/getReceipts", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"data\":{}}");
        });
        await app.StartAsync();
        return server;
    }

    public void Reset()
    {
        lock (_gate)
        {
            _perSecond.Clear();
            Interlocked.Exchange(ref _messages, 0);
            Interlocked.Exchange(ref _calls, 0);
            Interlocked.Exchange(ref _tooMany, 0);
            Interlocked.Exchange(ref _lastTicks, 0);
            Interlocked.Exchange(ref _firstTicks, 0);
            Interlocked.Exchange(ref _others, 0);
            _accepted.Clear();
            Misbehaved.Clear();
        }
    }

    private async Task SendAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body);
        var items = body is JsonArray array ? array.ToList() : [body];
        var count = items.Count;
        var ours = items.Count(item => item?["data"]?["pollId"]?.GetValue<string>() is { } poll && Polls.Contains(poll));
        Interlocked.Increment(ref _calls);
        if (Chaos is { } chaos)
        {
            var roll = Random.Shared.NextDouble();
            if (roll < chaos.TooMany)
            {
                Misbehaved.AddOrUpdate("429", 1, (_, n) => n + 1);
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "1";
                return;
            }
            if (roll < chaos.TooMany + chaos.ServerError)
            {
                Misbehaved.AddOrUpdate("500", 1, (_, n) => n + 1);
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }
            if (roll < chaos.TooMany + chaos.ServerError + chaos.Timeout)
            {
                // Longer than the client waits; then refused, so Expo never sent these.
                Misbehaved.AddOrUpdate("timeout", 1, (_, n) => n + 1);
                await Task.Delay(chaos.TimeoutDelay, CancellationToken.None);
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            if (roll < chaos.TooMany + chaos.ServerError + chaos.Timeout + chaos.Slow)
            {
                Misbehaved.AddOrUpdate("slow", 1, (_, n) => n + 1);
                await Task.Delay(chaos.SlowDelay, CancellationToken.None);
            }
        }
        var second = DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond;
        lock (_gate)
        {
            _perSecond.TryGetValue(second, out var sent);
            if (Limit > 0 && sent + count > Limit)
            {
                Interlocked.Increment(ref _tooMany);
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "1";
                return;
            }
            _perSecond[second] = sent + count;
            foreach (var item in items)
            {
                if (item?["to"]?.GetValue<string>() is { } token && item["data"]?["pollId"]?.GetValue<string>() is { } poll)
                {
                    _accepted.AddOrUpdate((token, poll), 1, (_, n) => n + 1);
                }
            }
            Interlocked.Add(ref _messages, ours);
            Interlocked.Add(ref _others, count - ours);
            if (ours > 0)
            {
                Interlocked.Exchange(ref _lastTicks, DateTime.UtcNow.Ticks);
                Interlocked.CompareExchange(ref _firstTicks, DateTime.UtcNow.Ticks, 0);
            }
        }
        var tickets = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            tickets.Add(new JsonObject { ["status"] = "ok", ["id"] = Guid.NewGuid().ToString() });
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["data"] = tickets }.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// Shares of calls the server answers badly: 429 (Retry-After 1), 500, no answer within
/// <see cref="TimeoutDelay"/> (then 503, nothing sent), or slowly (<see cref="SlowDelay"/>, then tickets).
/// </summary>
public sealed record ExpoChaos(double TooMany, double ServerError, double Timeout, double Slow, TimeSpan TimeoutDelay, TimeSpan SlowDelay);
