using Circly.Core.Database;
using Dapper;
using Npgsql;

namespace Circly.Core.Notifications;

/// <summary>One stored inbox entry (the user is known to the caller).</summary>
internal sealed record InboxRow(Guid EventId, string Type, string Title, string Body, Guid? PollId, Guid? CircleId, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

/// <summary>
/// All SQL on inbox_entries. A page is newest first with the event id as tie-break (the order of
/// idx_inbox_entries_page, and of the Table design's row keys); the unread count is an index-only
/// count over idx_inbox_entries_unread.
/// </summary>
internal sealed class InboxRepository(NpgsqlDataSource dataSource)
{
    private const string Columns = "event_id, type, title, body, poll_id, circle_id, created_at, read_at";
    private const string Unread = "SELECT count(*)::int FROM inbox_entries WHERE user_id = @userId AND read_at IS NULL";

    /// <summary>
    /// One event's entries for every given user, in one statement; users who have the entry already
    /// keep it as it is (read state included). Returns how many rows were new.
    /// </summary>
    public async Task<int> AddAsync(InboxEntry common, Guid[] userIds, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO inbox_entries (user_id, event_id, type, title, body, poll_id, circle_id, created_at)
            SELECT u, @EventId, @Type, @Title, @Body, @PollId::uuid, @CircleId::uuid, @CreatedAt::timestamptz
            FROM unnest(@userIds::uuid[]) AS u
            ON CONFLICT (user_id, event_id) DO NOTHING
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            common.EventId, common.Type, common.Title, common.Body, common.PollId, common.CircleId, common.CreatedAt, userIds,
        }, cancellationToken: cancellationToken));
    }

    /// <summary>Up to <paramref name="take"/> entries older than the cursor's (or the newest), and the unread count, in one round trip.</summary>
    public async Task<(IReadOnlyList<InboxRow> Rows, int Unread)> PageAsync(Guid userId, (DateTime Time, Guid EventId)? after, int take, CancellationToken cancellationToken)
    {
        var sql = after is null
            ? $"SELECT {Columns} FROM inbox_entries WHERE user_id = @userId ORDER BY created_at DESC, event_id LIMIT @take; {Unread}"
            : $"""
              SELECT {Columns} FROM inbox_entries
              WHERE user_id = @userId AND created_at <= @afterTime AND (created_at < @afterTime OR event_id > @afterEvent)
              ORDER BY created_at DESC, event_id LIMIT @take; {Unread}
              """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql,
            new { userId, take, afterTime = after?.Time, afterEvent = after?.EventId }, cancellationToken: cancellationToken));
        var rows = (await results.ReadAsync<InboxRow>()).AsList();
        return (rows, await results.ReadSingleAsync<int>());
    }

    /// <summary>
    /// Marks the entry read unless it is already; returns it (null: no such entry of this user) and
    /// the unread count after.
    /// </summary>
    public async Task<(InboxRow? Row, int Unread)> MarkReadAsync(Guid userId, Guid eventId, DateTime createdAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string mark = """
            UPDATE inbox_entries SET read_at = @now
            WHERE user_id = @userId AND event_id = @eventId AND created_at = @createdAt AND read_at IS NULL
            """;
        // Read after the update (a concurrent mark of the same entry has committed by then).
        const string read = $"SELECT {Columns} FROM inbox_entries WHERE user_id = @userId AND event_id = @eventId AND created_at = @createdAt; {Unread}";
        var args = new { userId, eventId, createdAt, now };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(mark, args, cancellationToken: cancellationToken));
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(read, args, cancellationToken: cancellationToken));
        var row = await results.ReadSingleOrDefaultAsync<InboxRow>();
        return (row, await results.ReadSingleAsync<int>());
    }

    /// <summary>Marks every unread entry of the user read; returns how many, and the unread count after.</summary>
    public async Task<(int Marked, int Unread)> MarkAllReadAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string mark = "UPDATE inbox_entries SET read_at = @now WHERE user_id = @userId AND read_at IS NULL";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var marked = await connection.ExecuteAsync(new CommandDefinition(mark, new { userId, now }, cancellationToken: cancellationToken));
        var unread = await connection.ExecuteScalarAsync<int>(new CommandDefinition(Unread, new { userId }, cancellationToken: cancellationToken));
        return (marked, unread);
    }

    /// <summary>Account deletion: the user's whole inbox, in the deletion's transaction.</summary>
    public Task DeleteAllAsync(Guid userId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("DELETE FROM inbox_entries WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));

    /// <summary>Retention: entries of events older than the cutoff, in every inbox, in chunks.</summary>
    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        BatchedDelete.RunAsync(dataSource, OldEntries, new { cutoff }, cancellationToken);

    private static readonly string OldEntries = BatchedDelete.Statement("inbox_entries", "created_at", "created_at < @cutoff");
}
