using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Circly.Core.Analytics;
using Circly.Core.Outbox;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Circly.Bench;

/// <summary>
/// Where raw analytics events should live (issue 14): the PostgreSQL table partitioned by month that
/// Circly uses, against Table Storage with one partition per day (the seed's other suggestion),
/// measured on the same events in the same run:
/// 1. recording, one event per call as the outbox consumer does (PostgreSQL through the real
///    AnalyticsService.RecordAsync, pseudonym keys included; Table Storage one AddEntity per event,
///    with pseudonyms from an in-memory key, which favours it);
/// 2. aggregating one day with WAU and MAU over a week of events (PostgreSQL: the real set-based
///    statement; Table Storage: read the week's partitions and count in memory);
/// 3. retention, deleting that week (PostgreSQL: dropping its month partition; Table Storage:
///    deleting the entities in batches of 100).
/// </summary>
public static class AnalyticsStoreCost
{
    private static readonly string[] ActorEvents = ["AccountCreated", "CircleJoined", "PollCreated", "NotificationOpened", "ReportFiled"];

    public sealed record Row(string Step, string Store, long Events, double Seconds)
    {
        public double PerSecond => Events / Seconds;
    }

    public static async Task<IReadOnlyList<Row>> RunAsync(string postgres, string storage, int recorded, int perDay, int concurrency, Func<string, Task> progress)
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres);
        var services = new ServiceCollection().AddSingleton(dataSource).AddSingleton(TimeProvider.System).AddAnalyticsModule().BuildServiceProvider();
        var analytics = services.GetRequiredService<AnalyticsService>();
        var table = new TableClient(storage, "benchanalytics" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateAsync();
        var rows = new List<Row>();
        var key = RandomNumberGenerator.GetBytes(32);
        var users = Enumerable.Range(0, 3000).Select(_ => Guid.NewGuid()).ToArray();
        var circles = Enumerable.Range(0, 300).Select(_ => Guid.NewGuid()).ToArray();

        // 1. Recording: the same events to both stores, one call each, `concurrency` at a time.
        var today = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, recorded).Select(i => Message(i, today, users, circles)).ToList();
        await progress($"recording {recorded:N0} events one by one into PostgreSQL");
        rows.Add(new Row("record, one event per call", "PostgreSQL (AnalyticsService.RecordAsync)", recorded,
            await TimeAsync(events, concurrency, e => analytics.RecordAsync(e, CancellationToken.None))));
        await progress($"recording {recorded:N0} events one by one into Table Storage");
        rows.Add(new Row("record, one event per call", "Table Storage (AddEntity, partition = day)", recorded,
            await TimeAsync(events, concurrency, e => table.AddEntityAsync(Entity(e, key)))));

        // 2. A week of events in January 2020 (its own month partition), bulk-loaded into both.
        var monday = new DateOnly(2020, 1, 6);
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("SELECT analytics_prepare_months('2020-01-01', '2020-01-31')");
        }
        for (var d = 0; d < 7; d++)
        {
            var day = monday.AddDays(d);
            await progress($"loading {perDay:N0} events of {day:yyyy-MM-dd} into both stores");
            var dayEvents = Enumerable.Range(0, perDay).Select(i => Message(i, new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero), users, circles)).ToList();
            await BulkInsertAsync(dataSource, dayEvents, key);
            foreach (var chunk in dayEvents.Select(e => Entity(e, key)).Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk.Select(entity => new TableTransactionAction(TableTransactionActionType.Add, entity)));
            }
        }
        var sunday = monday.AddDays(6);
        await analytics.AggregateDayAsync(sunday, CancellationToken.None); // warm-up
        await progress("aggregating the week's last day in PostgreSQL");
        var clock = Stopwatch.StartNew();
        await analytics.AggregateDayAsync(sunday, CancellationToken.None);
        rows.Add(new Row($"aggregate a day (DAU; WAU and MAU over {7 * perDay:N0} events)", "PostgreSQL (one set-based statement)", 7L * perDay, clock.Elapsed.TotalSeconds));
        await progress("aggregating the week's last day from Table Storage");
        clock.Restart();
        var figures = await AggregateFromTableAsync(table, monday, sunday);
        rows.Add(new Row($"aggregate a day (DAU; WAU and MAU over {7 * perDay:N0} events)", $"Table Storage (read 7 partitions, count in memory: DAU {figures.Dau}, WAU {figures.Wau})", 7L * perDay, clock.Elapsed.TotalSeconds));

        // 3. Retention: the week goes.
        await progress("dropping the week from PostgreSQL");
        clock.Restart();
        var dropped = await analytics.DeleteRawEventsBeforeAsync(new DateTimeOffset(2020, 2, 1, 0, 0, 0, TimeSpan.Zero), CancellationToken.None);
        rows.Add(new Row("retention: delete the week", "PostgreSQL (drop the month partition)", dropped, clock.Elapsed.TotalSeconds));
        await progress("deleting the week from Table Storage");
        clock.Restart();
        var deleted = 0L;
        for (var day = monday; day <= sunday; day = day.AddDays(1))
        {
            var partition = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var keys = new List<TableEntity>();
            await foreach (var entity in table.QueryAsync<TableEntity>($"PartitionKey eq '{partition}'", select: ["RowKey"]))
            {
                keys.Add(entity);
            }
            foreach (var chunk in keys.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, e.RowKey), Azure.ETag.All)));
                deleted += chunk.Length;
            }
        }
        rows.Add(new Row("retention: delete the week", "Table Storage (delete entities, batches of 100)", deleted, clock.Elapsed.TotalSeconds));
        await table.DeleteAsync();
        return rows;
    }

    public static IEnumerable<string> Table(IReadOnlyList<Row> rows)
    {
        yield return "| step | store | events | seconds | events/s | PostgreSQL ÷ Table Storage time |";
        yield return "| --- | --- | --- | --- | --- | --- |";
        foreach (var group in rows.GroupBy(r => r.Step))
        {
            var pg = group.First(r => r.Store.StartsWith("PostgreSQL", StringComparison.Ordinal));
            var ts = group.First(r => r.Store.StartsWith("Table", StringComparison.Ordinal));
            foreach (var row in group)
            {
                var ratio = row == pg ? (pg.Seconds / ts.Seconds).ToString("0.00", CultureInfo.InvariantCulture) : "";
                yield return string.Create(CultureInfo.InvariantCulture, $"| {row.Step} | {row.Store} | {row.Events:N0} | {row.Seconds:0.000} | {row.PerSecond:N0} | {ratio} |");
            }
        }
    }

    /// <summary>60% votes (no actor), the rest product events of a user; circles and users drawn at random.</summary>
    private static OutboxMessage Message(int i, DateTimeOffset at, Guid[] users, Guid[] circles)
    {
        var circle = circles[Random.Shared.Next(circles.Length)];
        var user = users[Random.Shared.Next(users.Length)];
        var (type, payload) = (i % 10) switch
        {
            < 6 => ("VoteCast", (object)new VoteCast(Guid.NewGuid(), circle)),
            _ => (ActorEvents[i % ActorEvents.Length], ActorEvents[i % ActorEvents.Length] switch
            {
                "AccountCreated" => new AccountCreated(user),
                "CircleJoined" => new CircleJoined(circle, user),
                "PollCreated" => new PollCreated(Guid.NewGuid(), circle, user, "Q?", at),
                "NotificationOpened" => new NotificationOpened(user, 1),
                _ => (object)new ReportFiled(user, circle),
            }),
        };
        return new OutboxMessage(Guid.NewGuid(), type, JsonSerializer.SerializeToElement(payload, payload.GetType(), JsonSerializerOptions.Web), at);
    }

    private static TableEntity Entity(OutboxMessage message, byte[] key)
    {
        var payload = message.Payload;
        var user = payload.TryGetProperty("userId", out var u) ? u.GetGuid() : payload.TryGetProperty("creatorUserId", out var c) ? c.GetGuid() : (Guid?)null;
        return new TableEntity(message.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), message.EventId.ToString("N"))
        {
            ["Name"] = message.Type,
            ["CircleId"] = payload.TryGetProperty("circleId", out var circle) ? circle.GetGuid() : null,
            ["ActorWeek"] = user is { } id ? HMACSHA256.HashData(key, id.ToByteArray())[..16] : null,
            ["ActorMonth"] = user is { } same ? HMACSHA256.HashData(key, (byte[])[.. same.ToByteArray(), 1])[..16] : null,
            ["Quantity"] = 1,
            ["Quantity2"] = 0,
        };
    }

    private static async Task BulkInsertAsync(NpgsqlDataSource dataSource, List<OutboxMessage> events, byte[] key)
    {
        var entities = events.Select(e => Entity(e, key)).ToList();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO analytics_events (day, event_id, event_name, circle_id, actor_week, actor_month)
            SELECT d::date, id, n, c, w, m FROM unnest(@days, @ids, @names, @circles, @weeks, @months) AS t (d, id, n, c, w, m)
            """, new
        {
            days = entities.Select(e => e.PartitionKey).ToArray(),
            ids = events.Select(e => e.EventId).ToArray(),
            names = events.Select(e => e.Type switch
            {
                "VoteCast" => "vote_cast", "AccountCreated" => "account_created", "CircleJoined" => "circle_joined", "PollCreated" => "poll_created",
                "NotificationOpened" => "notification_opened", _ => "report_filed",
            }).ToArray(),
            circles = entities.Select(e => (Guid?)e.GetGuid("CircleId")).ToArray(),
            weeks = entities.Select(e => e.GetBinary("ActorWeek")).ToArray(),
            months = entities.Select(e => e.GetBinary("ActorMonth")).ToArray(),
        }, commandTimeout: 600);
    }

    private static async Task<(int Dau, int Wau)> AggregateFromTableAsync(TableClient table, DateOnly first, DateOnly last)
    {
        var week = new HashSet<string>(StringComparer.Ordinal);
        var month = new HashSet<string>(StringComparer.Ordinal);
        var day = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var circlesActive = new HashSet<Guid>();
        for (var d = first; d <= last; d = d.AddDays(1))
        {
            var partition = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await foreach (var entity in table.QueryAsync<TableEntity>($"PartitionKey eq '{partition}'", select: ["Name", "CircleId", "ActorWeek", "ActorMonth", "Quantity"]))
            {
                if (entity.GetBinary("ActorWeek") is { } w)
                {
                    week.Add(Convert.ToBase64String(w));
                    if (d == last)
                    {
                        day.Add(Convert.ToBase64String(w));
                    }
                }
                if (entity.GetBinary("ActorMonth") is { } m)
                {
                    month.Add(Convert.ToBase64String(m));
                }
                if (d == last)
                {
                    counts[entity.GetString("Name")] = counts.GetValueOrDefault(entity.GetString("Name")) + (entity.GetInt32("Quantity") ?? 1);
                    if (entity.GetGuid("CircleId") is { } circle)
                    {
                        circlesActive.Add(circle);
                    }
                }
            }
        }
        return (day.Count, week.Count);
    }

    private static async Task<double> TimeAsync(List<OutboxMessage> events, int concurrency, Func<OutboxMessage, Task> record)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < events.Count)
            {
                await record(events[i]);
            }
        }));
        return clock.Elapsed.TotalSeconds;
    }
}
