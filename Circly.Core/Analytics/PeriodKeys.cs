using System.Security.Cryptography;
using Dapper;
using Npgsql;

namespace Circly.Core.Analytics;

/// <summary>
/// Pseudonyms for distinct-user counts: HMAC-SHA256 of the user id under a random key per ISO week
/// and per calendar month, cut to 16 bytes. A key is drawn when its period's first event arrives
/// and set to NULL once the period's figures are final (<see cref="DiscardEndedAsync"/>): from then
/// on a pseudonym cannot be mapped back to anyone, and an event that arrives later for that period
/// is counted without one. Keys are never cached in memory, so a discarded key is gone everywhere.
/// </summary>
internal sealed class PeriodKeys(NpgsqlDataSource dataSource)
{
    public const int PseudonymBytes = 16;

    private sealed record KeyRow(string Period, byte[]? Secret);

    /// <summary>The user's week and month pseudonyms for the day (either null when its period's key is discarded).</summary>
    public async Task<(byte[]? Week, byte[]? Month)> PseudonymsAsync(Guid userId, DateOnly day, CancellationToken cancellationToken)
    {
        var week = AnalyticsPeriods.Week(day);
        var month = AnalyticsPeriods.Month(day);
        // The CTE's insert is invisible to the same statement's read of the table: a new key comes from RETURNING.
        const string sql = """
            WITH wanted (period, last_day, secret) AS (
                VALUES (@weekId, @weekEnd, @weekSecret), (@monthId, @monthEnd, @monthSecret)
            ), drawn AS (
                INSERT INTO analytics_period_keys (period, last_day, secret)
                SELECT period, last_day, secret FROM wanted
                ON CONFLICT (period) DO NOTHING
                RETURNING period, secret
            )
            SELECT w.period, coalesce(d.secret, k.secret) AS secret
            FROM wanted w LEFT JOIN drawn d USING (period) LEFT JOIN analytics_period_keys k USING (period)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var keys = (await connection.QueryAsync<KeyRow>(new CommandDefinition(sql, new
        {
            weekId = week.Id,
            weekEnd = week.LastDay,
            weekSecret = RandomNumberGenerator.GetBytes(32),
            monthId = month.Id,
            monthEnd = month.LastDay,
            monthSecret = RandomNumberGenerator.GetBytes(32),
        }, cancellationToken: cancellationToken))).ToDictionary(k => k.Period, k => k.Secret, StringComparer.Ordinal);
        return (Pseudonym(keys[week.Id], userId), Pseudonym(keys[month.Id], userId));
    }

    /// <summary>Discards the keys of every period that ended on or before <paramref name="lastDay"/>. Returns how many.</summary>
    public async Task<int> DiscardEndedAsync(DateOnly lastDay, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE analytics_period_keys SET secret = NULL, discarded_at = now() WHERE last_day <= @lastDay AND secret IS NOT NULL",
            new { lastDay }, cancellationToken: cancellationToken));
    }

    private static byte[]? Pseudonym(byte[]? secret, Guid userId) =>
        secret is null ? null : HMACSHA256.HashData(secret, userId.ToByteArray())[..PseudonymBytes];
}
