using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Circly.Core.Storage;

namespace Circly.Core.Notifications;

/// <summary>
/// A claim on sending one event to one device, and later its ticket and receipt. PartitionKey
/// "c-{event day yyyyMMdd}-{eventId}", RowKey a keyed hash of the token: inserting it fails when it
/// exists, which is what makes a redelivered or concurrently processed batch skip what was already
/// (being) sent. No user id and no token: OwnerKey is a keyed hash of the user, for account deletion.
/// The day prefix lets the cleanup drop expired claims by PartitionKey range.
/// </summary>
internal sealed class PushClaimEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public Guid BatchId { get; set; }
    public string OwnerKey { get; set; } = "";
    /// <summary>sending, ok, error, rejected, unknown.</summary>
    public string Status { get; set; } = PushTicketStatus.Sending;
    public string? TicketId { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? ReceiptStatus { get; set; }
    public string? ReceiptError { get; set; }
    public DateTimeOffset? ReceiptCheckedAt { get; set; }
}

/// <summary>
/// A ticket waiting for its receipt. PartitionKey "r-yyyyMMddHHmm" of its creation (UTC), RowKey
/// the ticket id: the receipt timer reads one PartitionKey range up to "now − delay" instead of
/// scanning the table, and deletes each entity once its receipt is in. It holds the token (a
/// DeviceNotRegistered receipt deactivates it) but no user id; OwnerKey as on the claim.
/// </summary>
internal sealed class PushReceiptDueEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ClaimPartition { get; set; } = "";
    public string ClaimRow { get; set; } = "";
    public string OwnerKey { get; set; } = "";
    public string Token { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

internal static class PushTicketStatus
{
    public const string Sending = "sending";
    public const string Ok = "ok";
    public const string Error = "error";
    public const string Rejected = "rejected";
    public const string Unknown = "unknown";
    public const string Expired = "expired";
}

/// <summary>A message this instance claimed and may now send.</summary>
internal sealed record PushClaim(PushMessage Message, string PartitionKey, string RowKey, DateTimeOffset ClaimedAt);

/// <summary>What Expo answered for one claimed message.</summary>
internal sealed record TicketOutcome(PushClaim Claim, string Status, string? TicketId, string? Error);

/// <summary>A ticket whose receipt is due.</summary>
internal sealed record DueTicket(string PartitionKey, string TicketId, string ClaimPartition, string ClaimRow, string Token, DateTimeOffset CreatedAt);

/// <summary>What the receipt said (Status "ok", "error" or "expired").</summary>
internal sealed record ReceiptOutcome(DueTicket Ticket, string Status, string? Error);

/// <summary>The pushtickets table: claims, tickets, and the index of tickets awaiting receipts.</summary>
internal sealed class PushTicketStore(StorageClients storage, PushKeys keys)
{
    private const string ClaimPrefix = "c-";
    private const string DuePrefix = "r-";
    private const int MaxTransaction = 100;

    private readonly TableClient _table = storage.Table(StorageNames.PushTicketsTable);

    /// <summary>The event's day (UTC) first: every delivery of one event lands in the same partition, and old ones sort first.</summary>
    public static string ClaimPartitionOf(PushBatch batch) =>
        ClaimPrefix + ClaimDayOf(batch.EventCreatedAt) + "-" + batch.EventId.ToString("N");

    public string ClaimRowOf(string token) => keys.OfToken(token);

    private static string ClaimDayOf(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string DuePartitionOf(DateTimeOffset createdAt) => DuePrefix + createdAt.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    /// <summary>
    /// Claims each (event, token): in one transaction when none exists yet (the usual case), else one
    /// insert each. Returns the messages this call claimed, in order; the others were claimed before.
    /// </summary>
    public async Task<IReadOnlyList<PushClaim>> ClaimAsync(PushBatch batch, IReadOnlyList<PushMessage> messages, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return [];
        }
        var partition = ClaimPartitionOf(batch);
        var entities = messages.Select(message => new PushClaimEntity
        {
            PartitionKey = partition,
            RowKey = ClaimRowOf(message.Token),
            BatchId = batch.BatchId,
            OwnerKey = keys.OfOwner(message.UserId),
            CreatedAt = now,
        }).ToList();

        try
        {
            await _table.SubmitTransactionAsync(entities.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), cancellationToken);
            return messages.Select((message, i) => new PushClaim(message, partition, entities[i].RowKey, now)).ToList();
        }
        catch (TableTransactionFailedException failure) when (failure.Status == 409)
        {
            // Some were claimed before (a redelivery, a retried fan-out): claim the rest one by one.
        }

        var claimed = await Task.WhenAll(entities.Select(async entity =>
        {
            try
            {
                await _table.AddEntityAsync(entity, cancellationToken);
                return true;
            }
            catch (RequestFailedException conflict) when (conflict.Status == 409)
            {
                return false;
            }
        }));
        return messages.Select((message, i) => (message, i)).Where(m => claimed[m.i])
            .Select(m => new PushClaim(m.message, partition, entities[m.i].RowKey, now)).ToList();
    }

    /// <summary>Gives claims back so that the queue's retry sends them: only for messages Expo certainly did not accept.</summary>
    public Task ReleaseAsync(IEnumerable<PushClaim> claims, CancellationToken cancellationToken) =>
        SubmitAsync(claims.Select(c => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(c.PartitionKey, c.RowKey), ETag.All)), cancellationToken);

    /// <summary>Records tickets on the claims and indexes the accepted ones for the receipt timer.</summary>
    public Task RecordAsync(IReadOnlyList<TicketOutcome> outcomes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var updates = outcomes.Select(o => new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(o.Claim.PartitionKey, o.Claim.RowKey)
        {
            ["Status"] = o.Status,
            ["TicketId"] = o.TicketId,
            ["Error"] = o.Error,
        }, ETag.All));
        var due = outcomes.Where(o => o.Status == PushTicketStatus.Ok && IsValidKey(o.TicketId))
            .Select(o => new TableTransactionAction(TableTransactionActionType.Add, new PushReceiptDueEntity
            {
                PartitionKey = DuePartitionOf(now),
                RowKey = o.TicketId!,
                ClaimPartition = o.Claim.PartitionKey,
                ClaimRow = o.Claim.RowKey,
                OwnerKey = keys.OfOwner(o.Claim.Message.UserId),
                Token = o.Claim.Message.Token,
                CreatedAt = now,
            }));
        return SubmitAsync([.. updates, .. due], cancellationToken);
    }

    /// <summary>Tickets created at or before the cutoff whose receipt has not been checked: one PartitionKey range query.</summary>
    public async IAsyncEnumerable<DueTicket> DueForReceiptsAsync(DateTimeOffset cutoff, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var upper = DuePartitionOf(cutoff);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {DuePrefix} and PartitionKey le {upper} and CreatedAt le {cutoff}");
        await foreach (var entity in _table.QueryAsync<PushReceiptDueEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            yield return new DueTicket(entity.PartitionKey, entity.RowKey, entity.ClaimPartition, entity.ClaimRow, entity.Token, entity.CreatedAt);
        }
    }

    /// <summary>Marks receipts on their claims and removes the checked tickets from the index.</summary>
    public Task CompleteReceiptsAsync(IReadOnlyList<ReceiptOutcome> outcomes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var marks = outcomes.Select(o => new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(o.Ticket.ClaimPartition, o.Ticket.ClaimRow)
        {
            ["ReceiptStatus"] = o.Status,
            ["ReceiptError"] = o.Error,
            ["ReceiptCheckedAt"] = now,
        }, ETag.All));
        var deletes = outcomes.Select(o => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(o.Ticket.PartitionKey, o.Ticket.TicketId), ETag.All));
        return SubmitAsync([.. marks, .. deletes], cancellationToken);
    }

    /// <summary>
    /// Retention: claims of events from days before <paramref name="cutoff"/>'s day and tickets still
    /// waiting for a receipt since before the cutoff, found by PartitionKey range alone. Returns how many went.
    /// </summary>
    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var claims = TableClient.CreateQueryFilter($"PartitionKey ge {ClaimPrefix} and PartitionKey lt {ClaimPrefix + ClaimDayOf(cutoff)}");
        var dues = TableClient.CreateQueryFilter($"PartitionKey ge {DuePrefix} and PartitionKey lt {DuePartitionOf(cutoff)}");
        return await DeleteMatchingAsync(claims, cancellationToken) + await DeleteMatchingAsync(dues, cancellationToken);
    }

    /// <summary>Account deletion: every claim and ticket of this user (found by the keyed owner hash).</summary>
    public Task<int> DeleteOwnedByAsync(Guid userId, CancellationToken cancellationToken) =>
        DeleteMatchingAsync(TableClient.CreateQueryFilter($"OwnerKey eq {keys.OfOwner(userId)}"), cancellationToken);

    private async Task<int> DeleteMatchingAsync(string filter, CancellationToken cancellationToken)
    {
        var deleted = 0;
        var keysFound = new List<TableTransactionAction>(1000);
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            keysFound.Add(new(TableTransactionActionType.Delete, new TableEntity(entity.PartitionKey, entity.RowKey), ETag.All));
            if (keysFound.Count == 1000)
            {
                await SubmitAsync(keysFound, cancellationToken);
                deleted += keysFound.Count;
                keysFound.Clear();
            }
        }
        await SubmitAsync(keysFound, cancellationToken);
        return deleted + keysFound.Count;
    }

    /// <summary>
    /// Entity-group transactions of up to 100 per partition; when one fails (an entity vanished,
    /// say) its actions are applied one by one so the rest still lands.
    /// </summary>
    private async Task SubmitAsync(IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        var chunks = actions.GroupBy(a => a.Entity.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.Chunk(MaxTransaction));
        await Task.WhenAll(chunks.Select(async chunk =>
        {
            try
            {
                await _table.SubmitTransactionAsync(chunk, cancellationToken);
            }
            catch (TableTransactionFailedException)
            {
                foreach (var action in chunk)
                {
                    await ApplyOneAsync(action, cancellationToken);
                }
            }
        }));
    }

    private async Task ApplyOneAsync(TableTransactionAction action, CancellationToken cancellationToken)
    {
        try
        {
            switch (action.ActionType)
            {
                case TableTransactionActionType.Add:
                    await _table.AddEntityAsync(action.Entity, cancellationToken);
                    break;
                case TableTransactionActionType.UpdateMerge:
                    await _table.UpdateEntityAsync(action.Entity, action.ETag, TableUpdateMode.Merge, cancellationToken);
                    break;
                case TableTransactionActionType.Delete:
                    await _table.DeleteEntityAsync(action.Entity.PartitionKey, action.Entity.RowKey, action.ETag, cancellationToken);
                    break;
                default:
                    throw new NotSupportedException($"Unexpected table action {action.ActionType}.");
            }
        }
        catch (RequestFailedException gone) when (gone.Status is 404 or 409)
        {
            // Already deleted, or already added by an earlier attempt.
        }
    }

    /// <summary>RowKeys may not hold / \ # ? or control characters.</summary>
    private static bool IsValidKey(string? key) =>
        !string.IsNullOrEmpty(key) && key.Length <= 512 && !key.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
}
