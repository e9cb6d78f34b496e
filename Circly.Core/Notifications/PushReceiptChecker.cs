using Circly.Core.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Circly.Core.Notifications;

/// <summary>What one receipt run found.</summary>
public sealed record PushReceiptReport(int Checked, int Ok, IReadOnlyDictionary<string, int> Errors, int Pending, int Expired, int Deactivated, int Calls);

/// <summary>
/// The receipt timer's work: tickets older than ReceiptDelay are looked up at Expo in calls of at
/// most 1000 ids; DeviceNotRegistered deactivates the device; other errors are counted and logged;
/// each checked ticket leaves the index (its claim is marked and its token forgotten). Receipts not ready yet stay for the next run.
/// </summary>
public sealed partial class PushReceiptChecker
{
    private const string DeviceNotRegistered = "DeviceNotRegistered";

    private readonly ExpoClient _expo;
    private readonly PushTicketStore _tickets;
    private readonly UserService _users;
    private readonly ExpoOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<PushReceiptChecker> _logger;
    private readonly PushMetrics _metrics;

    internal PushReceiptChecker(ExpoClient expo, PushTicketStore tickets, UserService users, IOptions<ExpoOptions> options, TimeProvider clock, ILogger<PushReceiptChecker> logger, PushMetrics metrics)
    {
        _metrics = metrics;
        _expo = expo;
        _tickets = tickets;
        _users = users;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
    }

    public async Task<PushReceiptReport> CheckAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var tally = new Tally();
        var chunk = new List<DueTicket>(ExpoClient.MaxReceiptIds);
        await foreach (var ticket in _tickets.DueForReceiptsAsync(now - _options.ReceiptDelay, cancellationToken))
        {
            chunk.Add(ticket);
            if (chunk.Count == ExpoClient.MaxReceiptIds)
            {
                await CheckChunkAsync(chunk, now, tally, cancellationToken);
                chunk.Clear();
            }
        }
        if (chunk.Count > 0)
        {
            await CheckChunkAsync(chunk, now, tally, cancellationToken);
        }

        var report = new PushReceiptReport(tally.Checked, tally.Ok, tally.Errors, tally.Pending, tally.Expired, tally.Deactivated, tally.Calls);
        if (report.Checked > 0 || report.Pending > 0)
        {
            LogReport(_logger, report.Checked, report.Ok, report.Errors.Values.Sum(), report.Pending, report.Expired, report.Deactivated,
                string.Join(", ", report.Errors.Select(e => $"{e.Key}={e.Value}")));
        }
        return report;
    }

    private async Task CheckChunkAsync(IReadOnlyList<DueTicket> chunk, DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
    {
        var receipts = await GetReceiptsAsync(chunk.Select(t => t.TicketId).ToList(), tally, cancellationToken);
        var outcomes = new List<ReceiptOutcome>(chunk.Count);
        foreach (var ticket in chunk)
        {
            if (receipts.TryGetValue(ticket.TicketId, out var receipt))
            {
                var error = receipt.Status == PushTicketStatus.Ok ? null : receipt.Details?.Error ?? "Unknown";
                outcomes.Add(new ReceiptOutcome(ticket, error is null ? PushTicketStatus.Ok : PushTicketStatus.Error, error));
            }
            else if (ticket.CreatedAt < now - _options.ReceiptExpiry)
            {
                outcomes.Add(new ReceiptOutcome(ticket, PushTicketStatus.Expired, null));
            }
            else
            {
                tally.Pending++;
            }
        }

        var dead = outcomes.Where(o => o.Error == DeviceNotRegistered).Select(o => new UnregisteredPushToken(o.Ticket.Token, o.Ticket.CreatedAt)).ToList();
        tally.Deactivated += await _users.DeactivatePushTokensAsync(dead, cancellationToken);
        await _tickets.CompleteReceiptsAsync(outcomes, now, cancellationToken);

        tally.Checked += outcomes.Count;
        tally.Ok += outcomes.Count(o => o.Status == PushTicketStatus.Ok);
        tally.Expired += outcomes.Count(o => o.Status == PushTicketStatus.Expired);
        foreach (var error in outcomes.Where(o => o.Error is not null).CountBy(o => o.Error!))
        {
            tally.Errors[error.Key] = tally.Errors.GetValueOrDefault(error.Key) + error.Value;
            _metrics.RecordReceiptsFailed(error.Value, error.Key);
        }
        _metrics.RecordReceiptsOk(outcomes.Count(o => o.Status == PushTicketStatus.Ok));
        _metrics.RecordReceiptsFailed(outcomes.Count(o => o.Status == PushTicketStatus.Expired), "Expired");
        _metrics.RecordDeviceNotRegistered(dead.Count, "receipt");
    }

    private async Task<IReadOnlyDictionary<string, ExpoReceipt>> GetReceiptsAsync(IReadOnlyList<string> ids, Tally tally, CancellationToken cancellationToken)
    {
        for (var failures = 1; ; failures++)
        {
            tally.Calls++;
            var call = await _expo.GetReceiptsAsync(ids, cancellationToken);
            if (call.Outcome == ExpoOutcome.Success)
            {
                return call.Value!.Data ?? [];
            }
            var delay = Backoff.Delay(failures, _options.RetryBaseDelay, call.RetryAfter);
            if (call.Outcome == ExpoOutcome.Rejected || failures >= _options.SendAttempts || delay > _options.MaxRetryDelay)
            {
                // The tickets stay in the index; the next run asks again.
                throw new ExpoUnavailableException($"Expo's receipts answered {call.StatusCode} {call.Problem}; {ids.Count} tickets wait for the next run.");
            }
            LogRetrying(_logger, call.StatusCode ?? 0, call.Problem ?? "", (int)delay.TotalMilliseconds);
            await Task.Delay(delay, _clock, cancellationToken);
        }
    }

    private sealed class Tally
    {
        public int Checked;
        public int Ok;
        public int Pending;
        public int Expired;
        public int Deactivated;
        public int Calls;
        public readonly Dictionary<string, int> Errors = new(StringComparer.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Push receipts: {Checked} checked, {Ok} ok, {ErrorCount} errors ({Errors}), {Pending} not ready, {Expired} expired, {Deactivated} devices deactivated")]
    private static partial void LogReport(ILogger logger, int @checked, int ok, int errorCount, int pending, int expired, int deactivated, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push receipts: Expo answered {Status} {Problem}; retrying in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, int status, string problem, int delayMs);
}
