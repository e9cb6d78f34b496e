using Circly.Core.Database;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Circly.Core.RateLimiting;

/// <summary>
/// Fixed-window counters in PostgreSQL, shared by all instances: one atomic upsert per request.
/// (Measured against Table Storage, which needs an ETag read-modify-write loop: see docs/ARCHITECTURE.md.)
/// </summary>
public sealed class RateLimiter(NpgsqlDataSource dataSource, IOptions<RateLimitOptions> options, TimeProvider clock)
{
    public RateLimitPolicy PerUser { get; } = new("user", options.Value.UserPerMinute, TimeSpan.FromMinutes(1));

    public RateLimitPolicy PerIp { get; } = new("ip", options.Value.IpPerMinute, TimeSpan.FromMinutes(1));

    public RateLimitPolicy RegistrationsPerIp { get; } = new("registration", options.Value.RegistrationsPerIpPerHour, TimeSpan.FromHours(1));

    /// <summary>Every attempt to join a circle, per user: what makes invite codes impossible to enumerate.</summary>
    public RateLimitPolicy JoinAttemptsPerUser { get; } = new("joinUser", options.Value.JoinAttemptsPerUserPerHour, TimeSpan.FromHours(1));

    /// <summary>Join attempts and invite page views per client IP, for many accounts behind one address.</summary>
    public RateLimitPolicy JoinAttemptsPerIp { get; } = new("joinIp", options.Value.JoinAttemptsPerIpPerHour, TimeSpan.FromHours(1));

    /// <summary>Transfer codes asked for, per user.</summary>
    public RateLimitPolicy TransferCodesPerUser { get; } = new("transferCode", options.Value.TransferCodesPerUserPerHour, TimeSpan.FromHours(1));

    /// <summary>Every attempt to redeem a transfer code, per client IP: what makes codes impossible to guess.</summary>
    public RateLimitPolicy TransferAttemptsPerIp { get; } = new("transferIp", options.Value.TransferAttemptsPerIpPerHour, TimeSpan.FromHours(1));

    /// <summary>Share card requests per user: a card is drawn on the server (see docs/SHARING.md).</summary>
    public RateLimitPolicy ShareCardsPerUser { get; } = new("shareCard", options.Value.ShareCardsPerUserPerHour, TimeSpan.FromHours(1));

    /// <summary>Counts a hit; throws RATE_LIMIT_EXCEEDED once the key is over the limit for this window.</summary>
    public async Task<RateLimitDecision> HitAsync(RateLimitPolicy policy, string key, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO rate_limit_counters (bucket, window_start, hits) VALUES (@bucket, @windowStart, 1)
            ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_counters.hits + 1
            RETURNING hits
            """;
        var now = clock.GetUtcNow();
        var windowTicks = policy.Window.Ticks;
        var windowStart = new DateTimeOffset(now.UtcTicks - now.UtcTicks % windowTicks, TimeSpan.Zero);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var hits = await connection.ExecuteScalarAsync<int>(new CommandDefinition(sql, new { bucket = Bucket(policy, key), windowStart }, cancellationToken: cancellationToken));
        var decision = new RateLimitDecision(policy, hits, windowStart + policy.Window - now);
        return decision.Allowed ? decision : throw new RateLimitedException(decision);
    }

    /// <summary>
    /// Takes up to <paramref name="wanted"/> permits from a budget of <paramref name="perSecond"/> per
    /// wall-clock second of the database server, shared by every instance (one atomic upsert). Grants
    /// nothing in the last <paramref name="margin"/> of a second, so work started under a grant cannot
    /// spill into the next second. With nothing granted, RetryAfter says when the next second starts.
    /// </summary>
    public async Task<PermitGrant> TakePerSecondAsync(string bucket, int wanted, int perSecond, TimeSpan margin, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wanted, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
        // Every request adds what it asked for; what it gets is what was left before it came
        // (hits − wanted) up to the budget. Over-counting past the budget is harmless: the window ends.
        const string sql = """
            WITH clock AS (SELECT clock_timestamp() AS now),
            win AS (SELECT date_trunc('second', now) AS window_start, now FROM clock),
            hit AS (
                INSERT INTO rate_limit_counters (bucket, window_start, hits)
                SELECT @bucket, window_start, @wanted FROM win WHERE now < window_start + @open
                ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_counters.hits + excluded.hits
                RETURNING hits
            )
            SELECT win.window_start, win.now, (SELECT hits FROM hit) AS hits FROM win
            """;
        var open = TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(Math.Clamp(margin.Ticks, 0, TimeSpan.FromMilliseconds(900).Ticks));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<PermitWindow>(new CommandDefinition(
            sql, new { bucket = "permits:" + bucket, wanted, open }, cancellationToken: cancellationToken));
        var granted = row.Hits is { } hits ? Math.Clamp(perSecond - (hits - wanted), 0, wanted) : 0;
        var nextSecond = row.WindowStart + TimeSpan.FromSeconds(1) - row.Now;
        var openFor = row.WindowStart + open - row.Now;
        return granted > 0
            ? new PermitGrant(granted, TimeSpan.Zero, openFor > TimeSpan.Zero ? openFor : TimeSpan.Zero)
            : new PermitGrant(0, nextSecond > TimeSpan.Zero ? nextSecond : TimeSpan.Zero, TimeSpan.Zero);
    }

    /// <summary>Retention: windows that started before the cutoff are no longer consulted.</summary>
    public Task<int> DeleteWindowsBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        BatchedDelete.RunAsync(dataSource, EndedWindows, new { cutoff }, cancellationToken);

    private static readonly string EndedWindows = BatchedDelete.Statement("rate_limit_counters", "window_start", "window_start < @cutoff");

    private sealed record PermitWindow(DateTimeOffset WindowStart, DateTimeOffset Now, int? Hits);

    // Keys are user ids and IP addresses: only a hash of them is stored.
    private static string Bucket(RateLimitPolicy policy, string key) =>
        policy.Name + ":" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));
}
