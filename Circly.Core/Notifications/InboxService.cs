using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Circly.Core.Errors;
using Npgsql;

namespace Circly.Core.Notifications;

/// <summary>
/// The notification inbox, in PostgreSQL (inbox_entries, one row per user and event). A fan-out's
/// entries go in one set-based statement, committed before the event counts as fanned out, so an
/// acknowledged entry is as durable as the outbox itself (issue 17), and 10,000 recipients cost one
/// round trip instead of two Table calls each (issue 16). A notification's id, and the opaque page
/// cursor, are the entry's key as the Table design wrote it: the inverted creation time (19 digits) +
/// "-" + event id, so ids and cursors handed out before the move keep their meaning.
/// </summary>
public sealed partial class InboxService
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    private readonly InboxRepository _repository;
    private readonly TimeProvider _clock;

    internal InboxService(InboxRepository repository, TimeProvider clock)
    {
        _repository = repository;
        _clock = clock;
    }

    /// <summary>
    /// For the fan-out. Idempotent: an entry that exists is left as it is (read state included).
    /// One statement per event (a fan-out writes one event). Returns how many were new.
    /// </summary>
    public async Task<int> WriteAsync(IEnumerable<InboxEntry> entries, CancellationToken cancellationToken)
    {
        var added = 0;
        foreach (var sameEvent in entries.Select(Validate).GroupBy(e => e with { UserId = Guid.Empty }))
        {
            added += await _repository.AddAsync(sameEvent.Key, [.. sameEvent.Select(e => e.UserId).Distinct()], cancellationToken);
        }
        return added;
    }

    /// <summary>GET /v1/notifications: newest first, <paramref name="limit"/> per page, after the cursor's entry.</summary>
    public async Task<NotificationPage> ListAsync(Guid userId, int limit, string? cursor, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            throw Fail.OutOfRange("limit", $"must be between 1 and {MaxLimit}.");
        }
        var after = cursor is null ? ((DateTime, Guid)?)null : KeyOfCursor(cursor);
        var (rows, unread) = await _repository.PageAsync(userId, after, limit + 1, cancellationToken);
        var hasMore = rows.Count > limit;
        var page = rows.Take(limit).Select(ToNotification).ToList();
        return new NotificationPage(page, unread, limit, hasMore, hasMore ? CursorOf(page[^1].Id) : null);
    }

    /// <summary>Marks one notification read (again: no change). Unknown ids, and other users' ids, are NOT_FOUND.</summary>
    public async Task<MarkReadResult> MarkReadAsync(Guid userId, string id, CancellationToken cancellationToken)
    {
        if (ParseKey(id) is not var (createdAt, eventId))
        {
            throw NotFound();
        }
        var (row, unread) = await _repository.MarkReadAsync(userId, eventId, createdAt, _clock.GetUtcNow(), cancellationToken);
        return row is null ? throw NotFound() : new MarkReadResult(ToNotification(row), unread);
    }

    /// <summary>Marks every unread notification read.</summary>
    public async Task<MarkAllReadResult> MarkAllReadAsync(Guid userId, CancellationToken cancellationToken)
    {
        var (marked, unread) = await _repository.MarkAllReadAsync(userId, _clock.GetUtcNow(), cancellationToken);
        return new MarkAllReadResult(marked, unread);
    }

    /// <summary>Removes a user's whole inbox (account deletion, in its transaction).</summary>
    internal Task DeleteAllAsync(Guid userId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        _repository.DeleteAllAsync(userId, connection, transaction, cancellationToken);

    /// <summary>Retention: entries of events created before the cutoff, in every inbox. Returns how many went.</summary>
    internal Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        _repository.DeleteOlderThanAsync(cutoff, cancellationToken);

    private static InboxEntry Validate(InboxEntry entry)
    {
        if (!NotificationTypes.All.Contains(entry.Type))
        {
            throw new ArgumentException($"Unknown notification type '{entry.Type}'.", nameof(entry));
        }
        if (entry.UserId == Guid.Empty || entry.EventId == Guid.Empty || entry.Title is null || entry.Body is null)
        {
            throw new ArgumentException("An inbox entry needs a user, an event, a title and a body.", nameof(entry));
        }
        return entry;
    }

    private static Notification ToNotification(InboxRow row) =>
        new(KeyOf(row.CreatedAt, row.EventId), row.Type, row.Title, row.Body, row.PollId, row.CircleId, row.CreatedAt, row.ReadAt);

    /// <summary>Newest first: ticks counted back from the largest date, zero-padded so they sort as text.</summary>
    private static string KeyOf(DateTimeOffset createdAt, Guid eventId) =>
        (DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + eventId.ToString("N");

    /// <summary>The time and event of a key; null when it is not one. A time before year 1 is year 1 (nothing is older).</summary>
    private static (DateTime CreatedAt, Guid EventId)? ParseKey(string key)
    {
        if (!EntryKeyPattern().IsMatch(key))
        {
            return null;
        }
        var inverted = ulong.Parse(key.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture);
        var ticks = inverted > (ulong)DateTimeOffset.MaxValue.UtcTicks ? 0 : DateTimeOffset.MaxValue.UtcTicks - (long)inverted;
        return (new DateTime(ticks, DateTimeKind.Utc), Guid.ParseExact(key.AsSpan(20), "N"));
    }

    private static string CursorOf(string key) => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(key));

    private static (DateTime, Guid) KeyOfCursor(string cursor)
    {
        try
        {
            if (ParseKey(Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor))) is { } key)
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }
        throw Fail.InvalidFormat("cursor", "is not a cursor this API returned.");
    }

    private static CirclyException NotFound() => Fail.With(ErrorCodes.NotFound, "Notification not found.");

    [GeneratedRegex(@"^[0-9]{19}-[0-9a-f]{32}\z")]
    private static partial Regex EntryKeyPattern();
}
