using Circly.Core.Circles;
using Circly.Core.Outbox;
using Circly.Core.Polls;
using Circly.Core.Storage;
using Circly.Core.Users;
using Microsoft.Extensions.Logging;

namespace Circly.Core.Notifications;

/// <summary>What one fan-out run did; BatchIds are the push batches it queued (the outbox waits for each to be sent).</summary>
public sealed record FanOutReport(int Recipients, int InboxEntriesAdded, int Pushes, IReadOnlyList<Guid> BatchIds);

/// <summary>
/// Turns one outbox event into inbox entries and push batches. Recipients: a new poll goes to the
/// circle's members but its creator; a deadline reminder to every member who may vote, whether they
/// voted or not (so no inbox, claim or queue message says who had not); results to every member. Every recipient gets an inbox entry; a push goes only to those whose
/// switch for this kind is on, who are outside their quiet hours, under their daily cap, and have
/// an active token. Idempotent: inbox entries are keyed by event and user, and the push sender
/// claims (event, device) before sending, so a redelivered or half-retried event pushes nothing twice.
/// </summary>
public sealed partial class NotificationFanOut
{
    private readonly CircleService _circles;
    private readonly PollService _polls;
    private readonly PollModeration _pollFacts;
    private readonly BlockService _blocks;
    private readonly UserService _users;
    private readonly NotificationSettingsService _settings;
    private readonly InboxService _inbox;
    private readonly StorageClients _storage;
    private readonly TimeProvider _clock;
    private readonly ILogger<NotificationFanOut> _logger;

    internal NotificationFanOut(CircleService circles, PollService polls, PollModeration pollFacts, BlockService blocks, UserService users,
        NotificationSettingsService settings, InboxService inbox, StorageClients storage, TimeProvider clock, ILogger<NotificationFanOut> logger)
    {
        _pollFacts = pollFacts;
        _blocks = blocks;
        _circles = circles;
        _polls = polls;
        _users = users;
        _settings = settings;
        _inbox = inbox;
        _storage = storage;
        _clock = clock;
        _logger = logger;
    }

    public async Task<FanOutReport> HandleAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var (pollId, circleId, question, recipients) = message.Type switch
        {
            OutboxEventTypes.PollCreated => await NewPollAsync(OutboxWriter.Read<PollCreated>(message.Payload), cancellationToken),
            OutboxEventTypes.PollDeadlineSoon => await DeadlineSoonAsync(OutboxWriter.Read<PollDeadlineSoon>(message.Payload), cancellationToken),
            OutboxEventTypes.PollClosed => await ResultsAsync(OutboxWriter.Read<PollClosed>(message.Payload), cancellationToken),
            _ => (Guid.Empty, Guid.Empty, "", Array.Empty<Guid>()),
        };
        recipients = await WithoutSeparatedAsync(pollId, recipients, cancellationToken);
        if (recipients.Count == 0)
        {
            LogNothingToDo(_logger, message.Type, message.EventId);
            return new FanOutReport(0, 0, 0, []);
        }

        var text = NotificationTexts.For(message.Type, question);
        var now = _clock.GetUtcNow();
        var preferences = await _settings.GetDeliveryPreferencesAsync(recipients, cancellationToken);
        var wanting = preferences.Values.Where(p => DeliveryRules.Wants(p, text.Type) && !DeliveryRules.IsQuietNow(p, now)).ToList();
        IReadOnlyList<UserPushToken> tokens = wanting.Count == 0 ? [] : await _users.GetActivePushTokensAsync(wanting.Select(p => p.UserId).ToList(), cancellationToken);
        var withDevice = tokens.Select(t => t.UserId).ToHashSet();
        var underCap = await _settings.TryConsumeDailyPushAsync(wanting.Where(p => withDevice.Contains(p.UserId)).ToList(), message.EventId, now, cancellationToken);

        var data = new Dictionary<string, string>
        {
            ["type"] = text.Type,
            ["pollId"] = pollId.ToString(),
            ["circleId"] = circleId.ToString(),
            ["url"] = $"circly://poll/{pollId}",
        };
        var pushes = tokens.Where(t => underCap.Contains(t.UserId)).Select(t => new PushMessage(t.UserId, t.Token, text.Title, text.Body, data)).ToList();
        var batches = pushes.Chunk(PushBatches.MaxMessages).Select(chunk => new PushBatch(Guid.NewGuid(), message.EventId, chunk, message.CreatedAt)).ToList();
        var queue = _storage.Queue(StorageNames.PushBatchesQueue);
        await Task.WhenAll(batches.Select(batch => queue.SendMessageAsync(PushBatches.Serialize(batch), cancellationToken)));

        // One statement for every recipient, committed before FanOutFunction marks the event fanned
        // out: a redelivered event adds only what is missing. After the pushes are on their way; a
        // retry after a failure here re-sends nothing, since the sender claims per device.
        var added = await _inbox.WriteAsync(recipients.Select(user =>
            new InboxEntry(user, message.EventId, text.Type, text.Title, text.Body, pollId, circleId, message.CreatedAt)), cancellationToken);

        LogFannedOut(_logger, message.Type, message.EventId, recipients.Count, pushes.Count, batches.Count);
        return new FanOutReport(recipients.Count, added, pushes.Count, [.. batches.Select(b => b.BatchId)]);
    }

    /// <summary>
    /// Blocks: nobody gets a notification caused by someone they blocked or who blocked them (a
    /// poll's events are caused by its creator). BlockService says who is kept apart.
    /// </summary>
    private async Task<IReadOnlyList<Guid>> WithoutSeparatedAsync(Guid pollId, IReadOnlyList<Guid> recipients, CancellationToken cancellationToken)
    {
        if (recipients.Count == 0 || await _pollFacts.CreatorOfAsync(pollId, cancellationToken) is not { } creator)
        {
            return recipients;
        }
        var separated = await _blocks.SeparatedFromAsync(creator, cancellationToken);
        return separated.Count == 0 ? recipients : [.. recipients.Where(user => !separated.Contains(user))];
    }

    private async Task<(Guid, Guid, string, IReadOnlyList<Guid>)> NewPollAsync(PollCreated created, CancellationToken cancellationToken)
    {
        var members = await _circles.GetActiveMembersAsync(created.CircleId, cancellationToken);
        return (created.PollId, created.CircleId, created.QuestionText, members.Where(m => m.UserId != created.CreatorUserId).Select(m => m.UserId).ToList());
    }

    private async Task<(Guid, Guid, string, IReadOnlyList<Guid>)> DeadlineSoonAsync(PollDeadlineSoon soon, CancellationToken cancellationToken) =>
        (soon.PollId, soon.CircleId, soon.QuestionText, await _polls.GetEligibleVoterUserIdsAsync(soon.PollId, cancellationToken));

    private async Task<(Guid, Guid, string, IReadOnlyList<Guid>)> ResultsAsync(PollClosed closed, CancellationToken cancellationToken)
    {
        var members = await _circles.GetActiveMembersAsync(closed.CircleId, cancellationToken);
        return (closed.PollId, closed.CircleId, closed.QuestionText, members.Select(m => m.UserId).ToList());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{EventType} {EventId}: no recipients")]
    private static partial void LogNothingToDo(ILogger logger, string eventType, Guid eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{EventType} {EventId}: {Recipients} recipients, {Pushes} pushes in {Batches} batches")]
    private static partial void LogFannedOut(ILogger logger, string eventType, Guid eventId, int recipients, int pushes, int batches);
}
