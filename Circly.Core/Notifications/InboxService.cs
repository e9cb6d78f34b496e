using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Circly.Core.Errors;
using Circly.Core.Storage;

namespace Circly.Core.Notifications;

internal sealed class InboxEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public Guid EventId { get; set; }
    public string Type { get; set; } = "";
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    public Guid? PollId { get; set; }
    public Guid? CircleId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
    public bool IsRead { get; set; }
}

/// <summary>The user's unread count, kept in the same partition and changed in the same transactions as the entries.</summary>
internal sealed class UnreadCounterEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int Count { get; set; }
}

/// <summary>
/// The notification inbox in Table Storage. One partition per user (PartitionKey = user id); an
/// entry's RowKey is its inverted creation time (19 digits) + "-" + event id, so a partition query
/// returns newest first and a repeated write of the same event lands on the same key. The unread
/// count is a counter entity in the same partition ("~unread", after every entry), changed in the
/// same entity-group transaction as the entries with ETag checks: reading it is one point read,
/// and it cannot drift from the entries.
/// </summary>
public sealed partial class InboxService
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    private const string CounterKey = "~unread";
    private const int MaxAttempts = 10;
    private const int MaxTransaction = 100;

    private readonly TableClient _table;
    private readonly TimeProvider _clock;

    internal InboxService(StorageClients storage, TimeProvider clock)
    {
        _table = storage.Table(StorageNames.InboxTable);
        _clock = clock;
    }

    /// <summary>For the fan-out. Idempotent: an entry whose key exists is left as it is (read state included). Returns how many were new.</summary>
    public async Task<int> WriteAsync(IEnumerable<InboxEntry> entries, CancellationToken cancellationToken)
    {
        var byUser = entries.Select(Validate).GroupBy(e => e.UserId).ToList();
        var added = 0;
        await Parallel.ForEachAsync(byUser, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (user, token) =>
        {
            foreach (var entry in user.DistinctBy(e => e.EventId))
            {
                if (await AddAsync(entry, token))
                {
                    Interlocked.Increment(ref added);
                }
            }
        });
        return added;
    }

    /// <summary>GET /v1/notifications: newest first, <paramref name="limit"/> per page, after the cursor's entry.</summary>
    public async Task<NotificationPage> ListAsync(Guid userId, int limit, string? cursor, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            throw Fail.OutOfRange("limit", $"must be between 1 and {MaxLimit}.");
        }
        var partition = PartitionOf(userId);
        var after = cursor is null ? null : RowKeyOfCursor(cursor);
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {CounterKey}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {after} and RowKey lt {CounterKey}");

        var unread = UnreadAsync(partition, cancellationToken);
        var items = new List<InboxEntity>(limit + 1);
        await foreach (var entity in _table.QueryAsync<InboxEntity>(filter, maxPerPage: limit + 1, cancellationToken: cancellationToken))
        {
            items.Add(entity);
            if (items.Count > limit)
            {
                break;
            }
        }
        var hasMore = items.Count > limit;
        var page = items.Take(limit).Select(ToNotification).ToList();
        return new NotificationPage(page, await unread, limit, hasMore, hasMore ? CursorOf(page[^1].Id) : null);
    }

    /// <summary>Marks one notification read (again: no change). Unknown ids, and other users' ids, are NOT_FOUND.</summary>
    public async Task<MarkReadResult> MarkReadAsync(Guid userId, string id, CancellationToken cancellationToken)
    {
        var partition = PartitionOf(userId);
        if (!EntryKeyPattern().IsMatch(id))
        {
            throw NotFound();
        }
        for (var attempt = 1; ; attempt++)
        {
            var entry = await _table.GetEntityIfExistsAsync<InboxEntity>(partition, id, cancellationToken: cancellationToken);
            if (!entry.HasValue || entry.Value is null)
            {
                throw NotFound();
            }
            var entity = entry.Value;
            if (entity.IsRead)
            {
                return new MarkReadResult(ToNotification(entity), await UnreadAsync(partition, cancellationToken));
            }
            var counter = await CounterAsync(partition, cancellationToken);
            var now = _clock.GetUtcNow();
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.UpdateMerge, new TableEntity(partition, id) { ["ReadAt"] = now, ["IsRead"] = true }, entity.ETag),
            };
            var remaining = Math.Max(0, (counter?.Count ?? 1) - 1);
            if (counter is not null)
            {
                actions.Add(new(TableTransactionActionType.UpdateReplace, new UnreadCounterEntity { PartitionKey = partition, RowKey = CounterKey, Count = remaining }, counter.ETag));
            }
            if (await TrySubmitAsync(actions, attempt, cancellationToken))
            {
                entity.ReadAt = now;
                entity.IsRead = true;
                return new MarkReadResult(ToNotification(entity), remaining);
            }
        }
    }

    /// <summary>Marks every unread notification read, 99 per transaction with the counter.</summary>
    public async Task<MarkAllReadResult> MarkAllReadAsync(Guid userId, CancellationToken cancellationToken)
    {
        var partition = PartitionOf(userId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {CounterKey} and IsRead eq {false}");
        var marked = 0;
        for (var attempt = 1; ;)
        {
            var unread = new List<TableEntity>(MaxTransaction - 1);
            await foreach (var entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: MaxTransaction - 1, select: ["RowKey"], cancellationToken: cancellationToken))
            {
                unread.Add(entity);
                if (unread.Count == MaxTransaction - 1)
                {
                    break;
                }
            }
            var counter = await CounterAsync(partition, cancellationToken);
            if (unread.Count == 0)
            {
                return new MarkAllReadResult(marked, counter?.Count ?? 0);
            }
            var now = _clock.GetUtcNow();
            var actions = unread.Select(e => new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                new TableEntity(partition, e.RowKey) { ["ReadAt"] = now, ["IsRead"] = true }, e.ETag)).ToList();
            if (counter is not null)
            {
                actions.Add(new(TableTransactionActionType.UpdateReplace,
                    new UnreadCounterEntity { PartitionKey = partition, RowKey = CounterKey, Count = Math.Max(0, counter.Count - unread.Count) }, counter.ETag));
            }
            if (await TrySubmitAsync(actions, attempt, cancellationToken))
            {
                marked += unread.Count;
                attempt = 1;
            }
            else
            {
                attempt++;
            }
        }
    }

    /// <summary>Removes a user's whole inbox (account deletion).</summary>
    internal async Task DeleteAllAsync(Guid userId, CancellationToken cancellationToken)
    {
        var partition = PartitionOf(userId);
        var keys = new List<TableEntity>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(entity);
        }
        foreach (var chunk in keys.Chunk(MaxTransaction))
        {
            await _table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, e.RowKey), ETag.All)), cancellationToken);
        }
    }

    /// <summary>
    /// Retention: entries created before the cutoff, in every inbox. One scan (server-side filter on
    /// the RowKey, which starts with the inverted time) finds the inboxes; in each, up to 99 old
    /// entries go per transaction together with the unread counter, lowered by the unread ones among
    /// them (ETag checks on both, as everywhere else). Returns how many entries went.
    /// </summary>
    internal async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var oldest = EntryKeyOf(cutoff, Guid.Empty);
        var filter = TableClient.CreateQueryFilter($"RowKey gt {oldest} and RowKey lt {CounterKey}");
        var deleted = 0;
        string? previous = null;
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            if (entity.PartitionKey != previous)
            {
                previous = entity.PartitionKey;
                deleted += await DeleteOldEntriesAsync(entity.PartitionKey, oldest, cancellationToken);
            }
        }
        return deleted;
    }

    private async Task<int> DeleteOldEntriesAsync(string partition, string oldest, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {oldest} and RowKey lt {CounterKey}");
        var deleted = 0;
        for (var attempt = 1; ;)
        {
            var old = new List<TableEntity>(MaxTransaction - 1);
            await foreach (var entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: MaxTransaction - 1, select: ["RowKey", "IsRead"], cancellationToken: cancellationToken))
            {
                old.Add(entity);
                if (old.Count == MaxTransaction - 1)
                {
                    break;
                }
            }
            if (old.Count == 0)
            {
                return deleted;
            }
            var counter = await CounterAsync(partition, cancellationToken);
            var unread = old.Count(e => e.GetBoolean("IsRead") != true);
            var actions = old.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, e.RowKey), e.ETag)).ToList();
            if (counter is not null && unread > 0)
            {
                actions.Add(new(TableTransactionActionType.UpdateReplace,
                    new UnreadCounterEntity { PartitionKey = partition, RowKey = CounterKey, Count = Math.Max(0, counter.Count - unread) }, counter.ETag));
            }
            if (await TrySubmitAsync(actions, attempt, cancellationToken))
            {
                deleted += old.Count;
                attempt = 1;
            }
            else
            {
                attempt++;
            }
        }
    }

    /// <summary>Adds the entry and counts it unread in one transaction; false when it was written before.</summary>
    private async Task<bool> AddAsync(InboxEntry entry, CancellationToken cancellationToken)
    {
        var partition = PartitionOf(entry.UserId);
        var entity = new InboxEntity
        {
            PartitionKey = partition,
            RowKey = EntryKeyOf(entry.CreatedAt, entry.EventId),
            EventId = entry.EventId,
            Type = entry.Type,
            Title = entry.Title,
            Body = entry.Body,
            PollId = entry.PollId,
            CircleId = entry.CircleId,
            CreatedAt = entry.CreatedAt,
        };
        for (var attempt = 1; ; attempt++)
        {
            var counter = await CounterAsync(partition, cancellationToken);
            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, entity) };
            actions.Add(counter is null
                ? new(TableTransactionActionType.Add, new UnreadCounterEntity { PartitionKey = partition, RowKey = CounterKey, Count = 1 })
                : new(TableTransactionActionType.UpdateReplace, new UnreadCounterEntity { PartitionKey = partition, RowKey = CounterKey, Count = counter.Count + 1 }, counter.ETag));
            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken);
                return true;
            }
            catch (TableTransactionFailedException failure) when (failure.Status is 409 or 412)
            {
                // Either the entry exists (a repeated write: done) or the counter moved (retry).
                var existing = await _table.GetEntityIfExistsAsync<TableEntity>(partition, entity.RowKey, select: ["RowKey"], cancellationToken: cancellationToken);
                if (existing.HasValue)
                {
                    return false;
                }
                if (attempt >= MaxAttempts)
                {
                    throw;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken);
            }
        }
    }

    /// <summary>False when an ETag check failed (someone else changed the entry or the counter): read again and retry.</summary>
    private async Task<bool> TrySubmitAsync(IReadOnlyList<TableTransactionAction> actions, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await _table.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException failure) when (failure.Status == 412 && attempt < MaxAttempts)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken);
            return false;
        }
    }

    private async Task<int> UnreadAsync(string partition, CancellationToken cancellationToken) =>
        (await CounterAsync(partition, cancellationToken))?.Count ?? 0;

    private async Task<UnreadCounterEntity?> CounterAsync(string partition, CancellationToken cancellationToken)
    {
        var counter = await _table.GetEntityIfExistsAsync<UnreadCounterEntity>(partition, CounterKey, cancellationToken: cancellationToken);
        return counter.HasValue ? counter.Value : null;
    }

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

    private static Notification ToNotification(InboxEntity entity) =>
        new(entity.RowKey, entity.Type, entity.Title, entity.Body, entity.PollId, entity.CircleId, entity.CreatedAt, entity.ReadAt);

    private static string PartitionOf(Guid userId) => userId.ToString("D");

    /// <summary>Newest first: ticks counted back from the largest date, zero-padded so they sort as text.</summary>
    internal static string EntryKeyOf(DateTimeOffset createdAt, Guid eventId) =>
        (DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + eventId.ToString("N");

    private static string CursorOf(string rowKey) => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(rowKey));

    private static string RowKeyOfCursor(string cursor)
    {
        try
        {
            var rowKey = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor));
            if (EntryKeyPattern().IsMatch(rowKey))
            {
                return rowKey;
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
