using Circly.Core.Database;
using Dapper;
using Npgsql;

namespace Circly.Core.Notifications;

/// <summary>
/// All SQL on push_claims: a claim on sending one event to one device, later its ticket and receipt
/// (migration 0055). The primary key (event, device) makes a claim fail when one exists, which is
/// what makes a redelivered, re-run or concurrently processed batch skip what was already (being)
/// sent. In PostgreSQL, not Table Storage, so that the dedupe is as durable as the outbox event it
/// belongs to (issue 17). No user id and no token but while a receipt is due (see the migration).
/// Every write is one statement for a whole chunk (unnest), never one round trip per device.
/// </summary>
internal sealed class PushTicketStore(NpgsqlDataSource dataSource, PushKeys keys)
{
    /// <summary>The timer reads due tickets in pages of this many (keyset), so a backlog never sits in memory.</summary>
    private const int DuePage = 1000;

    /// <summary>
    /// The messages of the batch not claimed yet: one index read, so that a redelivered batch takes
    /// no permits of the shared budget for pushes that went out before. Claiming still decides.
    /// </summary>
    public async Task<List<PushMessage>> UnclaimedAsync(PushBatch batch, IReadOnlyList<PushMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return [];
        }
        const string sql = "SELECT device_key FROM push_claims WHERE event_id = @eventId AND device_key = ANY(@deviceKeys)";
        var deviceKeys = messages.Select(m => keys.OfToken(m.Token)).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var claimed = (await connection.QueryAsync<string>(new CommandDefinition(sql, new { eventId = batch.EventId, deviceKeys }, cancellationToken: cancellationToken)))
            .ToHashSet(StringComparer.Ordinal);
        return claimed.Count == 0 ? [.. messages] : [.. messages.Where((_, i) => !claimed.Contains(deviceKeys[i]))];
    }

    /// <summary>
    /// Claims each (event, device) not claimed yet, in one statement. Returns the messages this call
    /// claimed, in order; the others were claimed before (by an earlier delivery or another instance).
    /// </summary>
    public async Task<IReadOnlyList<PushClaim>> ClaimAsync(PushBatch batch, IReadOnlyList<PushMessage> messages, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return [];
        }
        const string sql = """
            INSERT INTO push_claims (event_id, device_key, owner_key, batch_id, created_at)
            SELECT @eventId, d.device_key, d.owner_key, @batchId, @now
            FROM unnest(@deviceKeys::text[], @ownerKeys::text[]) AS d (device_key, owner_key)
            ON CONFLICT (event_id, device_key) DO NOTHING
            RETURNING device_key
            """;
        var deviceKeys = messages.Select(m => keys.OfToken(m.Token)).ToArray();
        var ownerKeys = messages.Select(m => keys.OfOwner(m.UserId)).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var claimed = (await connection.QueryAsync<string>(new CommandDefinition(sql,
            new { eventId = batch.EventId, batchId = batch.BatchId, now, deviceKeys, ownerKeys }, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        return messages.Select((message, i) => (message, key: deviceKeys[i])).Where(m => claimed.Contains(m.key))
            .Select(m => new PushClaim(m.message, batch.EventId, m.key, now)).ToList();
    }

    /// <summary>
    /// Gives claims back so that the queue's retry sends them: only for messages Expo certainly did
    /// not accept. Only claims still "sending" go; one that has a ticket stays whatever the caller says.
    /// </summary>
    public async Task ReleaseAsync(IEnumerable<PushClaim> claims, CancellationToken cancellationToken)
    {
        var list = claims.ToList();
        if (list.Count == 0)
        {
            return;
        }
        const string sql = """
            DELETE FROM push_claims c
            USING unnest(@eventIds::uuid[], @deviceKeys::text[]) AS r (event_id, device_key)
            WHERE c.event_id = r.event_id AND c.device_key = r.device_key AND c.status = 'sending'
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql,
            new { eventIds = list.Select(c => c.EventId).ToArray(), deviceKeys = list.Select(c => c.DeviceKey).ToArray() }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Records what Expo answered on the claims, one statement per chunk. An accepted ticket keeps
    /// its token until its receipt is checked: that is the receipt timer's index (partial, by created_at).
    /// </summary>
    public async Task RecordAsync(IReadOnlyList<TicketOutcome> outcomes, CancellationToken cancellationToken)
    {
        if (outcomes.Count == 0)
        {
            return;
        }
        const string sql = """
            UPDATE push_claims c
            SET status = o.status, ticket_id = o.ticket_id, error = o.error,
                receipt_token = CASE WHEN o.status = 'ok' THEN o.token END
            FROM unnest(@eventIds::uuid[], @deviceKeys::text[], @statuses::text[], @ticketIds::text[], @errors::text[], @tokens::text[])
                AS o (event_id, device_key, status, ticket_id, error, token)
            WHERE c.event_id = o.event_id AND c.device_key = o.device_key
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            eventIds = outcomes.Select(o => o.Claim.EventId).ToArray(),
            deviceKeys = outcomes.Select(o => o.Claim.DeviceKey).ToArray(),
            statuses = outcomes.Select(o => o.Status).ToArray(),
            ticketIds = outcomes.Select(o => o.TicketId).ToArray(),
            errors = outcomes.Select(o => o.Error).ToArray(),
            tokens = outcomes.Select(o => o.Claim.Message.Token).ToArray(),
        }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Accepted tickets created at or before the cutoff whose receipt has not been checked, oldest
    /// first, read in keyset pages over the partial index: tickets completed meanwhile leave the index,
    /// those not ready stay behind the cursor.
    /// </summary>
    public async IAsyncEnumerable<DueTicket> DueForReceiptsAsync(DateTimeOffset cutoff, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT event_id, device_key, ticket_id, receipt_token AS token, created_at
            FROM push_claims
            WHERE status = 'ok' AND receipt_checked_at IS NULL AND created_at <= @cutoff
              AND (@afterTime::timestamptz IS NULL OR (created_at, event_id, device_key) > (@afterTime, @afterEvent, @afterDevice))
            ORDER BY created_at, event_id, device_key
            LIMIT @page
            """;
        DueTicket? last = null;
        while (true)
        {
            IReadOnlyList<DueTicket> page;
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            {
                page = (await connection.QueryAsync<DueTicket>(new CommandDefinition(sql, new
                {
                    cutoff,
                    afterTime = last?.CreatedAt,
                    afterEvent = last?.EventId ?? Guid.Empty,
                    afterDevice = last?.DeviceKey ?? "",
                    page = DuePage,
                }, cancellationToken: cancellationToken))).AsList();
            }
            foreach (var ticket in page)
            {
                yield return ticket;
            }
            if (page.Count < DuePage)
            {
                yield break;
            }
            last = page[^1];
        }
    }

    /// <summary>Marks receipts on their claims (which takes them out of the due index) and forgets the tokens.</summary>
    public async Task CompleteReceiptsAsync(IReadOnlyList<ReceiptOutcome> outcomes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (outcomes.Count == 0)
        {
            return;
        }
        const string sql = """
            UPDATE push_claims c
            SET receipt_status = r.status, receipt_error = r.error, receipt_checked_at = @now, receipt_token = NULL
            FROM unnest(@eventIds::uuid[], @deviceKeys::text[], @statuses::text[], @errors::text[]) AS r (event_id, device_key, status, error)
            WHERE c.event_id = r.event_id AND c.device_key = r.device_key
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            now,
            eventIds = outcomes.Select(o => o.Ticket.EventId).ToArray(),
            deviceKeys = outcomes.Select(o => o.Ticket.DeviceKey).ToArray(),
            statuses = outcomes.Select(o => o.Status).ToArray(),
            errors = outcomes.Select(o => o.Error).ToArray(),
        }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Retention: claims (and with them tickets still waiting for a receipt) created before the
    /// cutoff, in chunks along the created_at index. Returns how many went.
    /// </summary>
    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        BatchedDelete.RunAsync(dataSource, Expired, new { cutoff }, cancellationToken);

    private static readonly string Expired = BatchedDelete.Statement("push_claims", "created_at", "created_at < @cutoff");

    /// <summary>Account deletion: every claim and ticket of this user (found by the keyed owner hash), in the deletion's transaction.</summary>
    public Task<int> DeleteOwnedByAsync(Guid userId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("DELETE FROM push_claims WHERE owner_key = @ownerKey",
            new { ownerKey = keys.OfOwner(userId) }, transaction, cancellationToken: cancellationToken));
}
