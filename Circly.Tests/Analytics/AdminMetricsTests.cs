using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Analytics;

/// <summary>GET /v1/admin/metrics and GET /v1/admin/queues: for moderators and admins, validated, the stored daily figures.</summary>
public sealed class AdminMetricsTests(CirclyStack stack)
{
    [Fact]
    public async Task MetricsReturnTheAggregatedDaysOfThePeriodInOrder()
    {
        // Days of 1999 belong to this test alone.
        await MetricsSeed.DaysAsync(stack.DatabaseConnectionString, new DateOnly(1999, 5, 1), [(5, 9, 20), (7, 11, 21), (6, 12, 22)]);

        var call = await stack.Client.GetAsync("/v1/admin/metrics?from=1999-05-02&to=1999-05-10", stack.ModeratorToken());

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal("1999-05-02", call.Data.GetProperty("from").GetString());
        var days = call.Data.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(["1999-05-02", "1999-05-03"], days.Select(d => d.GetProperty("day").GetString()));
        Assert.Equal([7, 6], days.Select(d => d.GetProperty("dau").GetInt32()));
        Assert.Equal(0.5, days[0].GetProperty("participation").GetProperty("rate").GetDouble());
        Assert.Equal(4, days[0].GetProperty("participationByBand").GetArrayLength());
        Assert.Equal(0.8, days[0].GetProperty("push").GetProperty("deliveryRate").GetDouble());
    }

    [Theory]
    [InlineData("from=1999-13-01", ErrorCodes.ValidationInvalidFormat)]
    [InlineData("from=yesterday", ErrorCodes.ValidationInvalidFormat)]
    [InlineData("from=1999-05-10&to=1999-05-01", ErrorCodes.ValidationInvalidFormat)]
    [InlineData("from=1998-01-01&to=1999-05-01", ErrorCodes.ValidationOutOfRange)]
    public async Task ABadPeriodIsAClearError(string query, string code)
    {
        var call = await stack.Client.GetAsync($"/v1/admin/metrics?{query}", stack.ModeratorToken());

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(code, call.ErrorCode);
    }

    [Fact]
    public async Task WithoutAnAdminTokenThereAreNoMetricsOrQueues()
    {
        var user = await stack.Client.NewUserAsync();

        var anonymous = await stack.Client.GetAsync("/v1/admin/metrics");
        var member = await stack.Client.GetAsync("/v1/admin/queues", user.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, member.Status);
    }

    [Fact]
    public async Task QueuesShowEachQueuesDepthAndPoisonCount()
    {
        var call = await stack.Client.GetAsync("/v1/admin/queues", stack.ModeratorToken());

        Assert.Equal(HttpStatusCode.OK, call.Status);
        var queues = call.Data.GetProperty("queues");
        Assert.True(queues.TryGetProperty("outbox-events", out var outbox), call.RawBody);
        Assert.True(outbox.GetProperty("approximateMessages").GetInt32() >= 0);
        Assert.True(outbox.GetProperty("poisonMessages").GetInt32() >= 0);
    }
}

/// <summary>Daily figures written straight into analytics_daily, for the API and the console to show.</summary>
public static class MetricsSeed
{
    /// <summary>One row per (dau, wau, mau) from <paramref name="first"/> on; the other figures derive from dau so each day differs.</summary>
    public static async Task DaysAsync(string database, DateOnly first, IReadOnlyList<(int Dau, int Wau, int Mau)> days)
    {
        await using var connection = new NpgsqlConnection(database);
        for (var i = 0; i < days.Count; i++)
        {
            var (dau, wau, mau) = days[i];
            await connection.ExecuteAsync("""
                INSERT INTO analytics_daily (day, dau, wau, mau, new_accounts, circles_active, polls_created, polls_closed, votes_cast,
                    closed_votes, closed_eligible, participation_bands, push_sent, push_failed, push_delivered, push_receipt_errors,
                    notifications_opened, reports_filed, reports_resolved, computed_at)
                VALUES (@day, @dau, @wau, @mau, 1, 1, @dau, @dau - 1, 3 * @dau, @dau, 2 * @dau, '{"2-5": [1, 2]}', 4 * @dau, @dau, 4 * @dau, 0, 0, 0, 0, now())
                ON CONFLICT (day) DO NOTHING
                """, new { day = first.AddDays(i), dau, wau, mau });
        }
    }
}
