using Circly.Core.Database;
using Circly.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Circly.Tests.Foundation;

public sealed class MigrationTests(CirclyStack stack)
{
    private static readonly string[] ExpectedTables =
    [
        "users", "banned_devices", "refresh_tokens", "push_tokens", "circles", "circle_members",
        "question_templates", "polls", "poll_options", "poll_participations", "notification_settings",
        "reports", "analytics_events", "outbox_events", "admin_audit_log", "schema_migrations", "inbox_entries",
    ];

    [Fact]
    public async Task MigrationsBuildTheWholeSchemaOnAnEmptyDatabase()
    {
        await using var database = NpgsqlDataSource.Create(PostgresServer.AsOwner(await stack.Postgres.CreateDatabaseAsync("migrate")));

        var applied = await Migrator(database).MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Equal(MigrationScript.All().Select(s => s.Name), applied);
        await using var connection = await database.OpenConnectionAsync();
        var tables = await connection.QueryAsync<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
        Assert.Empty(ExpectedTables.Except(tables));
    }

    [Fact]
    public async Task EachMigrationRunsOnceEvenWhenInstancesStartTogether()
    {
        await using var database = NpgsqlDataSource.Create(PostgresServer.AsOwner(await stack.Postgres.CreateDatabaseAsync("migrate")));

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Migrator(database).MigrateAsync(TestContext.Current.CancellationToken)));
        var again = await Migrator(database).MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Equal(MigrationScript.All().Select(s => s.Name).Order(), runs.SelectMany(r => r).Order());
        Assert.Empty(again);
    }

    [Fact]
    public async Task StarterTemplatesAreAtLeastSixtyInSeveralCategories()
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);

        var perCategory = (await connection.QueryAsync<(string Category, long Count)>(
            "SELECT category, count(*) FROM question_templates WHERE is_active GROUP BY category")).ToList();

        Assert.True(perCategory.Sum(c => c.Count) >= 60, $"only {perCategory.Sum(c => c.Count)} templates");
        Assert.True(perCategory.Count >= 5, $"only {perCategory.Count} categories");
    }

    [Fact]
    public async Task SchemaRejectsACircleWithMoreMembersThanItsLimit()
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);

        var failure = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            "INSERT INTO circles (name, invite_code, invite_link_id, max_members, member_count) VALUES ('x', 'ABCDEF', repeat('a', 20), 10, 11)"));

        Assert.Equal(PostgresErrorCodes.CheckViolation, failure.SqlState);
    }

    [Fact]
    public async Task IdsAreRandomVersionFourUuids()
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);

        var id = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM question_templates LIMIT 1");

        Assert.Equal(4, id.Version);
    }

    private static SchemaMigrator Migrator(NpgsqlDataSource database) => new(database, NullLogger<SchemaMigrator>.Instance);
}
