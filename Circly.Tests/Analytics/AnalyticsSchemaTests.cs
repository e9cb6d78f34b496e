using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Analytics;

/// <summary>
/// What the analytics store can hold, read from the schema itself: no column for a user, an option, a
/// voter hash or a device, no time of day, and a vote row that cannot carry an actor.
/// AnalyticsPipelineTests checks the content of real rows.
/// </summary>
public sealed class AnalyticsSchemaTests(CirclyStack stack)
{
    [Fact]
    public async Task AnalyticsEventsHaveNoColumnForAVoterAChoiceOrATime()
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var columns = (await connection.QueryAsync<(string Name, string Type)>("""
            SELECT column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = 'analytics_events' ORDER BY column_name
            """)).ToList();

        Assert.Equal(
            [("actor_month", "bytea"), ("actor_week", "bytea"), ("circle_id", "uuid"), ("day", "date"), ("event_id", "uuid"),
             ("event_name", "text"), ("poll_id", "uuid"), ("quantity", "integer"), ("quantity2", "integer")],
            columns);
        var references = await connection.QueryAsync<string>("""
            SELECT confrelid::regclass::text FROM pg_constraint WHERE conrelid = 'analytics_events'::regclass AND contype = 'f'
            """);
        Assert.Empty(references);
    }

    [Fact]
    public async Task AVoteRowCannotCarryAnActor()
    {
        await using var connection = new NpgsqlConnection(PostgresServer.AsOwner(stack.DatabaseConnectionString));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("""
            INSERT INTO analytics_events (day, event_id, event_name, poll_id, actor_week) VALUES (current_date, gen_random_uuid(), 'vote_cast', gen_random_uuid(), '\x00112233445566778899aabbccddeeff')
            """, transaction: transaction));

        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
    }
}
