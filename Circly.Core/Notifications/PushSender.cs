using Circly.Core.RateLimiting;
using Circly.Core.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Circly.Core.Notifications;

/// <summary>What became of one push batch.</summary>
public sealed record PushBatchReport(int Messages, int AlreadySent, int Accepted, int TicketErrors, int Rejected, int Unknown, int Deactivated);

/// <summary>
/// Sends one push batch to Expo: takes permits from the shared per-second budget, claims each
/// (event, device) of the chunk it may send so that nothing is pushed twice, retries 429/5xx in process with back-off and
/// then gives the unsent rest back to the queue, stores the tickets and deactivates devices Expo
/// no longer knows.
/// </summary>
public sealed partial class PushSender
{
    /// <summary>The shared budget's name: one per Expo project, i.e. per app.</summary>
    public const string PacingBucket = "expo-push";

    private const string DeviceNotRegistered = "DeviceNotRegistered";

    private readonly ExpoClient _expo;
    private readonly PushTicketStore _tickets;
    private readonly RateLimiter _rateLimiter;
    private readonly UserService _users;
    private readonly ExpoOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<PushSender> _logger;
    private readonly PushMetrics _metrics;

    internal PushSender(ExpoClient expo, PushTicketStore tickets, RateLimiter rateLimiter, UserService users, IOptions<ExpoOptions> options, TimeProvider clock, ILogger<PushSender> logger, PushMetrics metrics)
    {
        _metrics = metrics;
        _expo = expo;
        _tickets = tickets;
        _rateLimiter = rateLimiter;
        _users = users;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>
    /// Throws when Expo stays unavailable (the queue retries the message) or the batch is invalid (poison).
    /// Each chunk is claimed just before its Expo call, after its permits are taken: a sender that dies
    /// while it waits for the budget leaves nothing claimed and unsent, only the call in flight in doubt.
    /// </summary>
    public async Task<PushBatchReport> SendAsync(PushBatch batch, CancellationToken cancellationToken)
    {
        PushBatches.Validate(batch);
        var distinct = batch.Messages.DistinctBy(m => m.Token, StringComparer.Ordinal).ToList();
        var waiting = await _tickets.UnclaimedAsync(batch, distinct, cancellationToken);
        // Claimed by this call and not sent yet: the chunk in hand, kept across Expo's retries.
        var held = new List<PushClaim>();
        int alreadySent = distinct.Count - waiting.Count, accepted = 0, ticketErrors = 0, rejected = 0, unknown = 0, deactivated = 0, failures = 0;

        while (held.Count > 0 || waiting.Count > 0)
        {
            int permits;
            long? startBy;
            try
            {
                (permits, startBy) = await TakePermitsAsync(held.Count > 0 ? held.Count : waiting.Count, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                await _tickets.ReleaseAsync(held, CancellationToken.None);
                throw;
            }
            if (held.Count == 0)
            {
                var next = waiting.GetRange(0, permits);
                waiting.RemoveRange(0, permits);
                // Not cancellable: a claim the database took must reach the list this call releases or records.
                var claims = await _tickets.ClaimAsync(batch, next, _clock.GetUtcNow(), CancellationToken.None);
                alreadySent += next.Count - claims.Count;
                held.AddRange(claims);
                if (held.Count == 0)
                {
                    continue;
                }
            }
            var chunk = held.GetRange(0, Math.Min(permits, held.Count));
            ExpoCall<ExpoSendResponse> call;
            try
            {
                call = await _expo.SendAsync(chunk.Select(ToExpo).ToList(), startBy, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Shutting down: the chunk in flight may have gone out; the rest goes back to the queue.
                await _tickets.ReleaseAsync(held.Skip(chunk.Count), CancellationToken.None);
                throw;
            }
            switch (call.Outcome)
            {
                case ExpoOutcome.Success when call.Value!.Data is { } data && data.Count == chunk.Count:
                    var outcomes = chunk.Select((claim, i) => ToOutcome(claim, data[i])).ToList();
                    await _tickets.RecordAsync(outcomes, CancellationToken.None);
                    accepted += outcomes.Count(o => o.Status == PushTicketStatus.Ok);
                    ticketErrors += outcomes.Count(o => o.Status == PushTicketStatus.Error);
                    deactivated += await DeactivateAsync(outcomes, cancellationToken);
                    LogTicketErrors(outcomes, batch.EventId);
                    _metrics.RecordSent(outcomes.Count(o => o.Status == PushTicketStatus.Ok));
                    _metrics.RecordFailed(outcomes.Count(o => o.Status == PushTicketStatus.Error), "ticket_error");
                    _metrics.RecordDeviceNotRegistered(outcomes.Count(o => o.Error == DeviceNotRegistered), "ticket");
                    failures = 0;
                    break;
                case ExpoOutcome.Rejected:
                    // Expo refused the request as such: sending it again cannot help, so the claims stay.
                    await _tickets.RecordAsync(chunk.Select(c => new TicketOutcome(c, PushTicketStatus.Rejected, null, call.Problem)).ToList(), CancellationToken.None);
                    rejected += chunk.Count;
                    _metrics.RecordFailed(chunk.Count, "rejected");
                    LogRejected(_logger, batch.EventId, chunk.Count, call.StatusCode ?? 0, call.Problem ?? "");
                    break;
                case ExpoOutcome.Retry:
                    failures++;
                    var delay = Backoff.Delay(failures, _options.RetryBaseDelay, call.RetryAfter);
                    if (failures >= _options.SendAttempts || delay > _options.MaxRetryDelay)
                    {
                        // Only what Expo certainly did not accept is given back for the queue's retry
                        // (the unclaimed rest was never claimed).
                        await _tickets.ReleaseAsync(held, CancellationToken.None);
                        var givenBack = held.Count + waiting.Count;
                        _metrics.RecordRetried(givenBack, "queue");
                        LogGivingBack(_logger, batch.EventId, givenBack, call.StatusCode ?? 0, call.Problem ?? "", failures);
                        throw new ExpoUnavailableException($"Expo answered {call.Problem} {failures} times; {givenBack} notifications go back to the queue.");
                    }
                    _metrics.RecordRetried(chunk.Count, "backoff");
                    LogRetrying(_logger, batch.EventId, call.StatusCode ?? 0, call.Problem ?? "", (int)delay.TotalMilliseconds);
                    try
                    {
                        await Task.Delay(delay, _clock, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        await _tickets.ReleaseAsync(held, CancellationToken.None);
                        throw;
                    }
                    continue;
                case ExpoOutcome.Late:
                    // The claim or a free connection took the permits' second past its margin: sent
                    // now, the chunk could land in Expo's next second, whose budget others hold. Nothing
                    // was sent, so its claims go back and it waits for permits of its own unclaimed: a
                    // sender that dies during that wait leaves nothing claimed and unsent ("in doubt").
                    await _tickets.ReleaseAsync(held, CancellationToken.None);
                    waiting.InsertRange(0, held.Select(claim => claim.Message));
                    held.Clear();
                    _metrics.RecordRetried(chunk.Count, "late");
                    continue;
                default:
                    // Timed out, cut off or unreadable: Expo may have sent these. At most once per device,
                    // so they are not sent again; their claims stay as "unknown".
                    await _tickets.RecordAsync(chunk.Select(c => new TicketOutcome(c, PushTicketStatus.Unknown, null, call.Problem)).ToList(), CancellationToken.None);
                    unknown += chunk.Count;
                    _metrics.RecordFailed(chunk.Count, "unknown");
                    LogUnknown(_logger, batch.EventId, chunk.Count, call.Problem ?? "");
                    break;
            }
            held.RemoveRange(0, chunk.Count);
        }
        if (alreadySent > 0)
        {
            LogAlreadySent(_logger, batch.EventId, alreadySent, distinct.Count);
        }
        return new PushBatchReport(batch.Messages.Count, alreadySent, accepted, ticketErrors, rejected, unknown, deactivated);
    }

    /// <summary>
    /// Waits until the shared per-second budget has room; returns how many may go now (1..wanted)
    /// and the timestamp by which their call must start (null: pacing off). The deadline is counted
    /// from before the request, so it is never later than the database's.
    /// </summary>
    private async Task<(int Permits, long? StartBy)> TakePermitsAsync(int wanted, CancellationToken cancellationToken)
    {
        if (_options.MaxPerSecond <= 0)
        {
            return (wanted, null);
        }
        while (true)
        {
            var asked = _clock.GetTimestamp();
            var grant = await _rateLimiter.TakePerSecondAsync(PacingBucket, Math.Min(wanted, _options.MaxPerSecond), _options.MaxPerSecond, _options.PacingMargin, cancellationToken);
            if (grant.Granted > 0)
            {
                return (grant.Granted, asked + (long)(grant.OpenFor.TotalSeconds * _clock.TimestampFrequency));
            }
            // A few milliseconds of jitter so that instances do not all knock at the same instant.
            await Task.Delay(grant.RetryAfter + TimeSpan.FromMilliseconds(Random.Shared.Next(1, 15)), _clock, cancellationToken);
        }
    }

    private async Task<int> DeactivateAsync(IReadOnlyList<TicketOutcome> outcomes, CancellationToken cancellationToken)
    {
        var dead = outcomes.Where(o => o.Error == DeviceNotRegistered)
            .Select(o => new UnregisteredPushToken(o.Claim.Message.Token, o.Claim.ClaimedAt)).ToList();
        return dead.Count == 0 ? 0 : await _users.DeactivatePushTokensAsync(dead, cancellationToken);
    }

    private void LogTicketErrors(IReadOnlyList<TicketOutcome> outcomes, Guid eventId)
    {
        var errors = outcomes.Where(o => o.Status == PushTicketStatus.Error).CountBy(o => o.Error ?? "Unknown").ToList();
        if (errors.Count > 0)
        {
            LogErrors(_logger, eventId, errors.Sum(e => e.Value), outcomes.Count, string.Join(", ", errors.Select(e => $"{e.Key}={e.Value}")));
        }
    }

    private static TicketOutcome ToOutcome(PushClaim claim, ExpoTicket ticket) =>
        ticket.Status == PushTicketStatus.Ok && ticket.Id is { Length: > 0 }
            ? new TicketOutcome(claim, PushTicketStatus.Ok, ticket.Id, null)
            : new TicketOutcome(claim, PushTicketStatus.Error, null, ticket.Details?.Error ?? "Unknown");

    private static ExpoPushRequest ToExpo(PushClaim claim) =>
        new(claim.Message.Token, claim.Message.Title, claim.Message.Body, claim.Message.Data ?? new Dictionary<string, string>(), "default", "high");

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId}: {Count} of {Total} notifications were sent before; skipped")]
    private static partial void LogAlreadySent(ILogger logger, Guid eventId, int count, int total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId}: {Count} of {Total} tickets are errors: {Errors}")]
    private static partial void LogErrors(ILogger logger, Guid eventId, int count, int total, string errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventId}: Expo rejected {Count} notifications with {Status} {Problem}; not retried")]
    private static partial void LogRejected(ILogger logger, Guid eventId, int count, int status, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId}: Expo answered {Status} {Problem}; retrying in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, Guid eventId, int status, string problem, int delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId}: Expo answered {Status} {Problem} {Failures} times; {Count} notifications go back to the queue")]
    private static partial void LogGivingBack(ILogger logger, Guid eventId, int count, int status, string problem, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId}: outcome of {Count} notifications unknown ({Problem}); not sent again")]
    private static partial void LogUnknown(ILogger logger, Guid eventId, int count, string problem);
}
