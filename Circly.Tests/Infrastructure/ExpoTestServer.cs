using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Circly.Tests.Infrastructure;

/// <summary>One notification as the server received it, and the ticket id it answered with (null for an error ticket or a failed call).</summary>
public sealed record ReceivedPush(string To, string? Title, string? Body, IReadOnlyDictionary<string, string>? Data, string? Sound, string? Priority, string? TicketId);

/// <summary>One call to /push/send: when it arrived (server clock), the Authorization header, the notifications, the status answered.</summary>
public sealed record SendCall(DateTimeOffset At, string? Authorization, IReadOnlyList<ReceivedPush> Messages, int Status);

/// <summary>One call to /push/getReceipts.</summary>
public sealed record ReceiptsCall(DateTimeOffset At, string? Authorization, IReadOnlyList<string> Ids, int Status);

/// <summary>
/// Expo's push API for tests (the one stand-in allowed: Expo cannot be reached from here). Kestrel on
/// 127.0.0.1:0 with /--/api/v2/push/send and /--/api/v2/push/getReceipts; records every call and
/// answers as programmed: ok tickets by default, per-device ticket errors, a status (429 with
/// Retry-After, 500, 400) for the next N calls, receipts per device, a slow answer. Enforces Expo's
/// limits: more than 100 notifications per send or 1000 ids per receipts call is a 400.
/// Programming can be scoped to tokens so tests sharing the server stay independent.
/// </summary>
public sealed class ExpoTestServer : IAsyncDisposable
{
    public const int MaxNotificationsPerSend = 100;
    public const int MaxReceiptIdsPerCall = 1000;

    private readonly object _gate = new();
    private readonly List<SendCall> _sends = [];
    private readonly List<ReceiptsCall> _receiptCalls = [];
    private readonly List<Rule> _sendRules = [];
    private readonly List<Rule> _receiptRules = [];
    private readonly Dictionary<string, string> _ticketErrors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _receiptErrors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _receiptsNotReady = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tokenOfTicket = new(StringComparer.Ordinal);
    private readonly WebApplication _app;

    private ExpoTestServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<ExpoTestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        ExpoTestServer? server = null;
        app.MapPost("/--/api/v2/push/send", (HttpContext context) => server!.SendAsync(context));
        app.MapPost("/--/api/v2/push/getReceipts", (HttpContext context) => server!.GetReceiptsAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new ExpoTestServer(app, new Uri(address));
        return server;
    }

    // ---- programming ------------------------------------------------------------------------

    /// <summary>The next <paramref name="times"/> send calls carrying any of <paramref name="tokens"/> (null: any call) answer <paramref name="status"/>.</summary>
    public void FailSends(int times, int status, IEnumerable<string>? tokens = null, TimeSpan? retryAfter = null, TimeSpan? delay = null)
    {
        lock (_gate)
        {
            _sendRules.Add(new Rule(times, status, retryAfter, delay, tokens?.ToHashSet(StringComparer.Ordinal)));
        }
    }

    /// <summary>The next <paramref name="times"/> send calls carrying any of <paramref name="tokens"/> answer normally, after <paramref name="delay"/>.</summary>
    public void DelaySends(int times, TimeSpan delay, IEnumerable<string> tokens) => FailSends(times, StatusCodes.Status200OK, tokens, null, delay);

    /// <summary>The next <paramref name="times"/> receipt calls answer <paramref name="status"/>.</summary>
    public void FailReceipts(int times, int status, TimeSpan? retryAfter = null)
    {
        lock (_gate)
        {
            _receiptRules.Add(new Rule(times, status, retryAfter, null, null));
        }
    }

    /// <summary>Tickets for this device are errors (DeviceNotRegistered, MessageTooBig, ...).</summary>
    public void TicketErrorFor(string token, string error = "DeviceNotRegistered")
    {
        lock (_gate)
        {
            _ticketErrors[token] = error;
        }
    }

    /// <summary>Receipts for tickets of this device are errors (DeviceNotRegistered, MessageRateExceeded, ...).</summary>
    public void ReceiptErrorFor(string token, string error)
    {
        lock (_gate)
        {
            _receiptErrors[token] = error;
        }
    }

    /// <summary>Receipts for tickets of this device are not ready: left out of the answer.</summary>
    public void ReceiptNotReadyFor(string token)
    {
        lock (_gate)
        {
            _receiptsNotReady.Add(token);
        }
    }

    // ---- observations -----------------------------------------------------------------------

    public IReadOnlyList<SendCall> Sends
    {
        get
        {
            lock (_gate)
            {
                return [.. _sends];
            }
        }
    }

    public IReadOnlyList<ReceiptsCall> ReceiptCalls
    {
        get
        {
            lock (_gate)
            {
                return [.. _receiptCalls];
            }
        }
    }

    /// <summary>Send calls that carried any of these tokens.</summary>
    public IReadOnlyList<SendCall> SendsTo(IEnumerable<string> tokens)
    {
        var wanted = tokens.ToHashSet(StringComparer.Ordinal);
        return Sends.Where(call => call.Messages.Any(m => wanted.Contains(m.To))).ToList();
    }

    /// <summary>Notifications accepted (answered with an ok ticket) for this device.</summary>
    public IReadOnlyList<ReceivedPush> Delivered(string token) =>
        Sends.Where(call => call.Status == StatusCodes.Status200OK).SelectMany(call => call.Messages).Where(m => m.To == token && m.TicketId is not null).ToList();

    /// <summary>How many of the given devices' notifications arrived in each wall-clock second (server clock).</summary>
    public IReadOnlyDictionary<long, int> PerSecond(IEnumerable<string> tokens)
    {
        var wanted = tokens.ToHashSet(StringComparer.Ordinal);
        return Sends.SelectMany(call => call.Messages.Where(m => wanted.Contains(m.To)).Select(_ => call.At.ToUnixTimeSeconds()))
            .GroupBy(second => second).ToDictionary(g => g.Key, g => g.Count());
    }

    // ---- the API ----------------------------------------------------------------------------

    private async Task SendAsync(HttpContext context)
    {
        var at = DateTimeOffset.UtcNow;
        var authorization = context.Request.Headers.Authorization.ToString() is { Length: > 0 } header ? header : null;
        var body = await JsonNode.ParseAsync(context.Request.Body);
        var items = body is JsonArray array ? array.ToList() : [body];
        var messages = items.Select(item => new ReceivedPush(
            item?["to"]?.GetValue<string>() ?? "",
            item?["title"]?.GetValue<string>(),
            item?["body"]?.GetValue<string>(),
            item?["data"] is JsonObject data ? data.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "") : null,
            item?["sound"]?.GetValue<string>(),
            item?["priority"]?.GetValue<string>(),
            null)).ToList();

        if (messages.Count > MaxNotificationsPerSend)
        {
            Record(new SendCall(at, authorization, messages, StatusCodes.Status400BadRequest));
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "PUSH_TOO_MANY_NOTIFICATIONS", $"You are trying to send more than {MaxNotificationsPerSend} push notifications in one request");
            return;
        }

        Rule? rule;
        lock (_gate)
        {
            rule = _sendRules.FirstOrDefault(r => r.Remaining > 0 && (r.Tokens is null || messages.Any(m => r.Tokens.Contains(m.To))));
            if (rule is not null)
            {
                rule.Remaining--;
            }
        }
        if (rule?.Delay is { } delay)
        {
            await Task.Delay(delay);
        }
        if (rule is not null && rule.Status != StatusCodes.Status200OK)
        {
            Record(new SendCall(at, authorization, messages, rule.Status));
            if (rule.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
            }
            await ErrorAsync(context, rule.Status, rule.Status == 429 ? "TOO_MANY_REQUESTS" : rule.Status >= 500 ? "INTERNAL_SERVER_ERROR" : "VALIDATION_ERROR", "Programmed failure");
            return;
        }

        var tickets = new JsonArray();
        var answered = new List<ReceivedPush>(messages.Count);
        lock (_gate)
        {
            foreach (var message in messages)
            {
                if (_ticketErrors.TryGetValue(message.To, out var error))
                {
                    tickets.Add(new JsonObject
                    {
                        ["status"] = "error",
                        ["message"] = $"\"{message.To}\" is not a registered push notification recipient",
                        ["details"] = new JsonObject { ["error"] = error, ["expoPushToken"] = message.To },
                    });
                    answered.Add(message);
                    continue;
                }
                var id = Guid.NewGuid().ToString().ToUpperInvariant();
                _tokenOfTicket[id] = message.To;
                tickets.Add(new JsonObject { ["status"] = "ok", ["id"] = id });
                answered.Add(message with { TicketId = id });
            }
            _sends.Add(new SendCall(at, authorization, answered, StatusCodes.Status200OK));
        }
        await Results.Json(new JsonObject { ["data"] = tickets }).ExecuteAsync(context);
    }

    private async Task GetReceiptsAsync(HttpContext context)
    {
        var at = DateTimeOffset.UtcNow;
        var authorization = context.Request.Headers.Authorization.ToString() is { Length: > 0 } header ? header : null;
        var body = await JsonNode.ParseAsync(context.Request.Body);
        var ids = (body?["ids"] as JsonArray ?? []).Select(id => id?.GetValue<string>() ?? "").ToList();

        int status;
        Rule? rule;
        lock (_gate)
        {
            rule = ids.Count > MaxReceiptIdsPerCall ? null : _receiptRules.FirstOrDefault(r => r.Remaining > 0);
            if (rule is not null)
            {
                rule.Remaining--;
            }
            status = ids.Count > MaxReceiptIdsPerCall ? StatusCodes.Status400BadRequest : rule?.Status ?? StatusCodes.Status200OK;
            _receiptCalls.Add(new ReceiptsCall(at, authorization, ids, status));
        }
        if (ids.Count > MaxReceiptIdsPerCall)
        {
            await ErrorAsync(context, status, "PUSH_TOO_MANY_RECEIPTS", $"You are trying to get more than {MaxReceiptIdsPerCall} push receipts in one request");
            return;
        }
        if (rule is not null)
        {
            if (rule.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
            }
            await ErrorAsync(context, status, "INTERNAL_SERVER_ERROR", "Programmed failure");
            return;
        }

        var receipts = new JsonObject();
        lock (_gate)
        {
            foreach (var id in ids.Distinct())
            {
                if (!_tokenOfTicket.TryGetValue(id, out var token) || _receiptsNotReady.Contains(token))
                {
                    continue;
                }
                receipts[id] = _receiptErrors.TryGetValue(token, out var error)
                    ? new JsonObject { ["status"] = "error", ["message"] = "Programmed receipt error", ["details"] = new JsonObject { ["error"] = error } }
                    : new JsonObject { ["status"] = "ok" };
            }
        }
        await Results.Json(new JsonObject { ["data"] = receipts }).ExecuteAsync(context);
    }

    private void Record(SendCall call)
    {
        lock (_gate)
        {
            _sends.Add(call);
        }
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message) =>
        Results.Json(new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message }) }, statusCode: status).ExecuteAsync(context);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Rule(int times, int status, TimeSpan? retryAfter, TimeSpan? delay, HashSet<string>? tokens)
    {
        public int Remaining { get; set; } = times;
        public int Status { get; } = status;
        public TimeSpan? RetryAfter { get; } = retryAfter;
        public TimeSpan? Delay { get; } = delay;
        public HashSet<string>? Tokens { get; } = tokens;
    }
}
