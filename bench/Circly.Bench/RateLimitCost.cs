using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using Circly.Core.RateLimiting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Circly.Bench;

/// <summary>
/// What one rate-limit hit costs: Circly's PostgreSQL upsert against the Table Storage
/// alternative (read the window's entity, write it back with its ETag, retry on conflict).
/// </summary>
public static class RateLimitCost
{
    public static async Task<IReadOnlyList<string>> RunAsync(string postgres, string storage, int hits, int concurrency)
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres);
        var limiter = new RateLimiter(dataSource, Options.Create(new RateLimitOptions { UserPerMinute = int.MaxValue }), TimeProvider.System);
        var table = new TableClient(storage, "benchratelimits");
        await table.CreateIfNotExistsAsync();

        var rows = new List<string>();
        foreach (var workers in new[] { 1, concurrency })
        {
            var key = Guid.NewGuid().ToString();
            rows.Add(Row("PostgreSQL upsert (UNLOGGED)", workers, await MeasureAsync(hits, workers, () => limiter.HitAsync(limiter.PerUser, key, CancellationToken.None))));
            var partition = Guid.NewGuid().ToString("N");
            var conflicts = 0;
            var latencies = await MeasureAsync(hits, workers, async () => conflicts += await TableHitAsync(table, partition));
            rows.Add(Row($"Table Storage ETag read-modify-write ({conflicts} conflicts retried)", workers, latencies));
        }
        await table.DeleteAsync();
        return rows;
    }

    private static async Task<int> TableHitAsync(TableClient table, string partition)
    {
        var window = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;
        for (var attempt = 0; ; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, window.ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                if (existing.HasValue)
                {
                    var entity = existing.Value!;
                    entity["Hits"] = (int)entity["Hits"] + 1;
                    await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);
                }
                else
                {
                    await table.AddEntityAsync(new TableEntity(partition, window.ToString(System.Globalization.CultureInfo.InvariantCulture)) { ["Hits"] = 1 });
                }
                return attempt;
            }
            catch (RequestFailedException failure) when (failure.Status is 409 or 412)
            {
            }
        }
    }

    private static async Task<(Latencies Latencies, double Seconds)> MeasureAsync(int hits, int workers, Func<Task> hit)
    {
        for (var i = 0; i < 50; i++)
        {
            await hit(); // warm-up
        }
        var latencies = new Latencies();
        var remaining = hits;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var watch = Stopwatch.StartNew();
                await hit();
                latencies.Add(watch.Elapsed.TotalMilliseconds);
            }
        }));
        return (latencies, total.Elapsed.TotalSeconds);
    }

    private static string Row(string name, int workers, (Latencies Latencies, double Seconds) result) =>
        $"| {name} | {workers} | {result.Latencies.Count / result.Seconds:0} | {Latencies.Ms(result.Latencies.Mean)} | {Latencies.Ms(result.Latencies.Percentile(50))} | {Latencies.Ms(result.Latencies.Percentile(99))} |";
}
