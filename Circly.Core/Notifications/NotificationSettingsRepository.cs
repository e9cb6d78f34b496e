using Dapper;
using Npgsql;

namespace Circly.Core.Notifications;

/// <summary>A user's saved settings; quiet hours as "HH:mm" text.</summary>
internal sealed record StoredSettings(bool PollStart, bool PollDeadline, bool PollResult, bool QuietEnabled, string QuietStart, string QuietEnd, int MaxPerDay)
{
    public static readonly StoredSettings Defaults = new(
        NotificationDefaults.PollStart, NotificationDefaults.PollDeadline, NotificationDefaults.PollResult, NotificationDefaults.QuietEnabled,
        NotificationDefaults.QuietStart.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        NotificationDefaults.QuietEnd.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        NotificationDefaults.MaxPerDay);
}

/// <summary>
/// All SQL on notification_settings and notification_daily_counts. Time zones come from the
/// user_time_zones view, which the Users module publishes for exactly this (docs/ARCHITECTURE.md).
/// </summary>
internal sealed class NotificationSettingsRepository(NpgsqlDataSource dataSource)
{
    private const string Columns = "s.poll_start, s.poll_deadline, s.poll_result, s.quiet_enabled, to_char(s.quiet_start, 'HH24:MI') AS quiet_start, to_char(s.quiet_end, 'HH24:MI') AS quiet_end, s.max_per_day";

    private sealed record SettingsRow(Guid UserId, string TimeZone, bool? PollStart, bool? PollDeadline, bool? PollResult, bool? QuietEnabled, string? QuietStart, string? QuietEnd, int? MaxPerDay)
    {
        public StoredSettings? Stored => PollStart is null ? null
            : new StoredSettings(PollStart.Value, PollDeadline!.Value, PollResult!.Value, QuietEnabled!.Value, QuietStart!, QuietEnd!, MaxPerDay!.Value);
    }

    /// <summary>Null when the user does not exist; Stored null when they never saved settings.</summary>
    public async Task<(string TimeZone, StoredSettings? Stored)?> GetAsync(Guid userId, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT z.user_id, z.time_zone, {Columns}
            FROM user_time_zones z LEFT JOIN notification_settings s ON s.user_id = z.user_id
            WHERE z.user_id = @userId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SettingsRow>(new CommandDefinition(sql, new { userId }, cancellationToken: cancellationToken));
        return row is null ? null : (row.TimeZone, row.Stored);
    }

    /// <summary>Every given user that exists, with their settings (Stored null: defaults), in one query.</summary>
    public async Task<IReadOnlyList<(Guid UserId, string TimeZone, StoredSettings? Stored)>> GetManyAsync(Guid[] userIds, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT z.user_id, z.time_zone, {Columns}
            FROM user_time_zones z LEFT JOIN notification_settings s ON s.user_id = z.user_id
            WHERE z.user_id = ANY(@userIds)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<SettingsRow>(new CommandDefinition(sql, new { userIds }, cancellationToken: cancellationToken));
        return rows.Select(r => (r.UserId, r.TimeZone, r.Stored)).ToList();
    }

    /// <summary>
    /// Reads the saved settings (or the defaults) under a row lock, lets <paramref name="change"/> merge and validate
    /// (it throws to refuse), and saves the result: one transaction, so concurrent updates do not
    /// lose each other's fields.
    /// </summary>
    public async Task<StoredSettings> UpdateAsync(Guid userId, Func<StoredSettings, StoredSettings> change, CancellationToken cancellationToken)
    {
        // The defaults row first, so that even two first-ever updates serialise on the row lock.
        const string ensure = "INSERT INTO notification_settings (user_id) VALUES (@userId) ON CONFLICT (user_id) DO NOTHING";
        const string select = $"SELECT s.user_id, '' AS time_zone, {Columns} FROM notification_settings s WHERE s.user_id = @userId FOR UPDATE";
        const string upsert = """
            INSERT INTO notification_settings (user_id, poll_start, poll_deadline, poll_result, quiet_enabled, quiet_start, quiet_end, max_per_day)
            VALUES (@userId, @PollStart, @PollDeadline, @PollResult, @QuietEnabled, @QuietStart::time, @QuietEnd::time, @MaxPerDay)
            ON CONFLICT (user_id) DO UPDATE SET
                poll_start = excluded.poll_start, poll_deadline = excluded.poll_deadline, poll_result = excluded.poll_result,
                quiet_enabled = excluded.quiet_enabled, quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end,
                max_per_day = excluded.max_per_day, updated_at = now()
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ensure, new { userId }, transaction, cancellationToken: cancellationToken));
        var current = await connection.QuerySingleOrDefaultAsync<SettingsRow>(new CommandDefinition(select, new { userId }, transaction, cancellationToken: cancellationToken));
        var updated = change(current?.Stored ?? StoredSettings.Defaults);
        await connection.ExecuteAsync(new CommandDefinition(upsert, new
        {
            userId,
            updated.PollStart,
            updated.PollDeadline,
            updated.PollResult,
            updated.QuietEnabled,
            updated.QuietStart,
            updated.QuietEnd,
            updated.MaxPerDay,
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return updated;
    }

    /// <summary>
    /// Counts one push of this event per user on their local day, unless that makes more than their
    /// cap: one statement for the whole batch, atomic under concurrency (the conflicting row is locked
    /// and re-checked). Rows are taken in user order so concurrent batches cannot deadlock. A user for
    /// whom this event was counted before (on any day still kept: a re-run may cross midnight) is
    /// not counted again and is returned as counted, so a re-run fan-out pushes the same people (the
    /// claims send nothing twice) without spending their cap again. Returns the users whose push counts.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> ConsumeDailyAsync(Guid eventId, Guid[] userIds, DateOnly[] localDates, int[] caps, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH wanted AS (
                SELECT * FROM unnest(@userIds::uuid[], @localDates::date[], @caps::int[]) AS w (user_id, local_date, cap)
            ), counted_before AS (
                SELECT DISTINCT c.user_id FROM notification_daily_counts c JOIN wanted w ON w.user_id = c.user_id
                WHERE @eventId = ANY (c.event_ids)
            ), counted_now AS (
                INSERT INTO notification_daily_counts AS c (user_id, local_date, pushes, event_ids)
                SELECT w.user_id, w.local_date, 1, ARRAY[@eventId] FROM wanted w
                WHERE w.cap > 0 AND EXISTS (SELECT 1 FROM user_time_zones z WHERE z.user_id = w.user_id)
                  AND NOT EXISTS (SELECT 1 FROM counted_before b WHERE b.user_id = w.user_id)
                ORDER BY w.user_id
                ON CONFLICT (user_id, local_date) DO UPDATE SET pushes = c.pushes + 1, event_ids = c.event_ids || excluded.event_ids
                WHERE c.pushes < (SELECT w.cap FROM wanted w WHERE w.user_id = excluded.user_id AND w.local_date = excluded.local_date)
                  AND NOT (@eventId = ANY (c.event_ids))
                RETURNING c.user_id
            )
            SELECT user_id FROM counted_before
            UNION ALL
            SELECT user_id FROM counted_now
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(sql, new { eventId, userIds, localDates, caps }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Housekeeping: counters of days that ended everywhere on Earth are no longer consulted.</summary>
    public async Task<int> DeleteDailyCountsBeforeAsync(DateOnly cutoff, CancellationToken cancellationToken)
    {
        const string sql = "DELETE FROM notification_daily_counts WHERE local_date < @cutoff";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { cutoff }, cancellationToken: cancellationToken));
    }
}
