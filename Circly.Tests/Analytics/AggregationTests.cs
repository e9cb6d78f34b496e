using System.Security.Cryptography;
using Circly.Core.Analytics;
using Circly.Core.Maintenance;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Analytics;

/// <summary>
/// The daily figures on seeded raw events: distinct users over days, weeks and months, participation
/// by circle-size band, push delivery, idempotence, retention by month and the discarding of keys.
/// Aggregation and retention work over everything, so these tests have a database and an app of their own.
/// </summary>
[Collection(GlobalTimers.Name)]
public sealed class AggregationTests(GlobalTimersStack own)
{
    // Monday 3 March 2025 starts ISO week 10; Monday 10 March starts week 11. Far from any other test's days.
    private static readonly DateOnly Monday = new(2025, 3, 3);

    [Fact]
    public async Task DistinctUsersParticipationAndDeliveryAreComputedFromTheEventsTheSameOnEveryRun()
    {
        await using var connection = new NpgsqlConnection(own.DatabaseConnectionString);
        await connection.ExecuteAsync("SELECT analytics_prepare_months('2025-03-01', '2025-03-31')");
        // Pseudonyms as the recorder stores them: one per user and week, one per user and month.
        var (a, b, c) = (new Actor(), new Actor(), new Actor());
        await SeedAsync(connection, Monday, "account_created", a.Week10, a.March);
        await SeedAsync(connection, Monday, "circle_created", b.Week10, b.March, circle: Guid.NewGuid());
        await SeedAsync(connection, Monday, "notification_opened", b.Week10, b.March, quantity: 2);
        await SeedAsync(connection, Monday.AddDays(1), "circle_joined", b.Week10, b.March, circle: Guid.NewGuid());
        await SeedAsync(connection, Monday.AddDays(1), "report_filed", c.Week10, c.March, circle: Guid.NewGuid());
        var circle = Guid.NewGuid();
        await SeedAsync(connection, Monday.AddDays(1), "vote_cast", circle: circle);
        await SeedAsync(connection, Monday.AddDays(1), "poll_closed", circle: circle, quantity: 3, quantity2: 4);
        await SeedAsync(connection, Monday.AddDays(1), "poll_closed", circle: Guid.NewGuid(), quantity: 6, quantity2: 12);
        await SeedAsync(connection, Monday.AddDays(1), "push_sent", quantity: 8, quantity2: 2);
        await SeedAsync(connection, Monday.AddDays(1), "push_receipts", quantity: 7, quantity2: 1);
        await SeedAsync(connection, Monday.AddDays(1), "report_resolved", quantity: 2);
        await SeedAsync(connection, Monday.AddDays(7), "poll_created", a.Week11, a.March, circle: Guid.NewGuid(), poll: Guid.NewGuid());
        var service = own.Api.Get<AnalyticsService>();

        var runs = new List<IReadOnlyList<DailyMetrics>>();
        for (var run = 0; run < 2; run++)
        {
            foreach (var day in new[] { Monday, Monday.AddDays(1), Monday.AddDays(7) })
            {
                await service.AggregateDayAsync(day, TestContext.Current.CancellationToken);
            }
            runs.Add((await service.GetMetricsAsync(Monday, Monday.AddDays(7), TestContext.Current.CancellationToken)).Days);
        }

        var (monday, tuesday, nextMonday) = (runs[0][0], runs[0][1], runs[0][2]);
        Assert.Equal(3, runs[0].Count);
        Assert.Equal((2, 2, 2, 1), (monday.Dau, monday.Wau, monday.Mau, monday.NewAccounts));
        Assert.Equal((1, 2), (monday.CirclesActive, monday.NotificationsOpened));
        Assert.Equal((2, 3, 3), (tuesday.Dau, tuesday.Wau, tuesday.Mau));
        Assert.Equal((1, 1, 3), (nextMonday.Dau, nextMonday.Wau, nextMonday.Mau));
        Assert.Equal((1, 2, 1), (nextMonday.PollsCreated, tuesday.PollsClosed, tuesday.VotesCast));
        // The report's circle is not "active"; the vote's and the two closed polls' circles are.
        Assert.Equal(3, tuesday.CirclesActive);
        Assert.Equal(new Participation(9, 16, 0.5625), tuesday.Participation);
        Assert.Equal(
            [new BandParticipation("2-5", 3, 4, 0.75), new BandParticipation("6-10", 0, 0, null), new BandParticipation("11-20", 6, 12, 0.5), new BandParticipation("21+", 0, 0, null)],
            tuesday.ParticipationByBand);
        Assert.Equal(new PushDelivery(8, 2, 7, 1, 0.7), tuesday.Push);
        Assert.Equal((1, 2), (tuesday.ReportsFiled, tuesday.ReportsResolved));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(runs[0]), System.Text.Json.JsonSerializer.Serialize(runs[1]));
    }

    [Fact]
    public async Task TheDailyRunDiscardsTheKeysOfEndedPeriodsAndALateEventIsCountedWithoutAPseudonym()
    {
        await using var connection = new NpgsqlConnection(own.DatabaseConnectionString);
        await connection.ExecuteAsync("""
            INSERT INTO analytics_period_keys (period, last_day, secret) VALUES
                ('week:2025-W05', '2025-02-02', decode(md5(random()::text) || md5(random()::text), 'hex')), ('month:2025-01', '2025-01-31', decode(md5(random()::text) || md5(random()::text), 'hex'))
            ON CONFLICT (period) DO NOTHING
            """);
        var service = own.Api.Get<AnalyticsService>();
        var userId = Guid.NewGuid();

        var report = await service.RunDailyAsync(TestContext.Current.CancellationToken);
        await service.RecordAsync(new Circly.Core.Outbox.OutboxMessage(Guid.NewGuid(), "NotificationOpened",
            System.Text.Json.JsonSerializer.SerializeToElement(new { userId, count = 1 }), new DateTimeOffset(2025, 1, 31, 12, 0, 0, TimeSpan.Zero)), TestContext.Current.CancellationToken);
        await service.RecordAsync(new Circly.Core.Outbox.OutboxMessage(Guid.NewGuid(), "NotificationOpened",
            System.Text.Json.JsonSerializer.SerializeToElement(new { userId, count = 1 }), DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);

        Assert.True(report.KeysDiscarded >= 2);
        Assert.Equal(AnalyticsService.LateDays, report.Days.Count);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM analytics_period_keys WHERE last_day < current_date - 2 AND secret IS NOT NULL"));
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM analytics_period_keys WHERE last_day >= current_date AND secret IS NOT NULL"));
        var late = await connection.QuerySingleAsync<(byte[]? Week, byte[]? Month)>(
            "SELECT actor_week, actor_month FROM analytics_events WHERE day = '2025-01-31' AND event_name = 'notification_opened'");
        Assert.Null(late.Week);
        Assert.Null(late.Month);
        var current = await connection.QuerySingleAsync<(byte[]? Week, byte[]? Month)>(
            "SELECT actor_week, actor_month FROM analytics_events WHERE day = current_date AND event_name = 'notification_opened'");
        Assert.Equal(16, current.Week!.Length);
        Assert.NotEqual(current.Week, current.Month);
    }

    [Fact]
    public async Task RetentionDropsRawEventsByWholeMonthsAndKeepsTheDailyFigures()
    {
        await using var connection = new NpgsqlConnection(own.DatabaseConnectionString);
        await connection.ExecuteAsync("SELECT analytics_prepare_months('2024-11-01', '2024-12-31')");
        await SeedAsync(connection, new DateOnly(2024, 11, 30), "vote_cast", circle: Guid.NewGuid());
        await SeedAsync(connection, new DateOnly(2024, 12, 1), "vote_cast", circle: Guid.NewGuid());
        var service = own.Api.Get<AnalyticsService>();
        await service.AggregateDayAsync(new DateOnly(2024, 11, 30), TestContext.Current.CancellationToken);

        // A cutoff inside December: November has ended before it and goes whole; December stays.
        var dropped = await service.DeleteRawEventsBeforeAsync(new DateTimeOffset(2024, 12, 15, 0, 0, 0, TimeSpan.Zero), TestContext.Current.CancellationToken);

        Assert.True(dropped >= 1);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM analytics_events WHERE day < '2024-12-01'"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM analytics_events WHERE day = '2024-12-01'"));
        Assert.Null(await connection.ExecuteScalarAsync<string>("SELECT to_regclass('analytics_events_2024_11')::text"));
        Assert.Equal(1, (await service.GetMetricsAsync(new DateOnly(2024, 11, 30), new DateOnly(2024, 11, 30), TestContext.Current.CancellationToken)).Days[0].VotesCast);
        Assert.Equal(TimeSpan.FromDays(90), new RetentionOptions().AnalyticsEvents);
    }

    private static Task SeedAsync(NpgsqlConnection connection, DateOnly day, string name, byte[]? week = null, byte[]? month = null,
        Guid? circle = null, Guid? poll = null, int quantity = 1, int quantity2 = 0) =>
        connection.ExecuteAsync("""
            INSERT INTO analytics_events (day, event_id, event_name, circle_id, poll_id, actor_week, actor_month, quantity, quantity2)
            VALUES (@day, gen_random_uuid(), @name, @circle, @poll, @week, @month, @quantity, @quantity2)
            """, new { day, name, circle, poll, week, month, quantity, quantity2 });

    private sealed class Actor
    {
        public byte[] Week10 { get; } = RandomNumberGenerator.GetBytes(16);
        public byte[] Week11 { get; } = RandomNumberGenerator.GetBytes(16);
        public byte[] March { get; } = RandomNumberGenerator.GetBytes(16);
    }
}
