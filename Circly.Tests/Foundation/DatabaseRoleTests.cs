using System.Diagnostics;
using Circly.Core.Database;
using Circly.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Circly.Tests.Foundation;

/// <summary>
/// Least privilege in the database: the API runs as circly_app, which reads and writes rows and
/// nothing else; circly_owner owns the schema and runs the migrations (docs/DEPLOY.md).
/// </summary>
public sealed class DatabaseRoleTests(CirclyStack stack)
{
    [Theory]
    [InlineData("CREATE TABLE app_made (id int)")]
    [InlineData("ALTER TABLE users ADD COLUMN nickname_hint text")]
    [InlineData("DROP TABLE poll_participations")]
    [InlineData("CREATE INDEX idx_app_made ON polls (question_text)")]
    [InlineData("CREATE VIEW every_voter AS SELECT * FROM poll_participations")]
    [InlineData("CREATE FUNCTION app_made() RETURNS int LANGUAGE sql AS 'SELECT 1'")]
    [InlineData("CREATE SCHEMA app_made")]
    [InlineData("TRUNCATE outbox_events")]
    [InlineData("ALTER TABLE polls DISABLE TRIGGER ALL")]
    [InlineData("UPDATE admin_audit_log SET action = 'nothing happened'")]
    [InlineData("DELETE FROM admin_audit_log")]
    public async Task TheAppRoleCannotChangeTheSchemaOrItsRules(string statement)
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(statement));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task TheAppRoleCannotReadOrWriteTheMigrationJournalButKnowsTheSchemaVersion()
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);

        var read = await Assert.ThrowsAsync<PostgresException>(() => connection.QueryAsync("SELECT * FROM schema_migrations"));
        var write = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("INSERT INTO schema_migrations (name) VALUES ('9999_fake')"));
        var version = await connection.ExecuteScalarAsync<string>("SELECT schema_version()");

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, read.SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, write.SqlState);
        Assert.Equal(MigrationScript.All()[^1].Name, version);
    }

    [Fact]
    public async Task TheAppRoleIsNoSuperuserAndOwnsNothing()
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);

        var role = await connection.QuerySingleAsync<(string Name, bool Super, bool CreateRole, bool CreateDb, bool BypassRls, bool Replication)>(
            "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication FROM pg_roles WHERE rolname = current_user");
        var owned = await connection.ExecuteScalarAsync<long>(
            """
            SELECT (SELECT count(*) FROM pg_class WHERE relowner = current_user::regrole)
                 + (SELECT count(*) FROM pg_proc WHERE proowner = current_user::regrole)
                 + (SELECT count(*) FROM pg_namespace WHERE nspowner = current_user::regrole)
            """);
        var mayCreate = await connection.ExecuteScalarAsync<bool>("SELECT has_schema_privilege('public', 'CREATE') OR has_database_privilege(current_database(), 'CREATE')");

        Assert.Equal((DatabaseRoles.App, false, false, false, false, false), role);
        Assert.Equal(0, owned);
        Assert.False(mayCreate);
    }

    [Fact]
    public async Task TheSchemaAndEverythingInItBelongToTheOwnerRole()
    {
        await using var connection = new NpgsqlConnection(stack.Postgres.AsAdmin(stack.DatabaseConnectionString));

        var owners = (await connection.QueryAsync<string>(
            """
            SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
            UNION SELECT DISTINCT pg_get_userbyid(p.proowner) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
            UNION SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()
            """)).ToList();

        Assert.Equal([DatabaseRoles.Owner], owners);
    }

    [Fact]
    public async Task TheApiUnderTestIsConnectedAsTheAppRoleOnly()
    {
        Assert.True((await stack.Client.GetWithFunctionKeyAsync("/health/detailed")).Success);
        await using var admin = new NpgsqlConnection(stack.Postgres.AsAdmin(stack.DatabaseConnectionString));

        var logins = (await admin.QueryAsync<string>(
            "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND application_name = @name",
            new { name = CirclyStack.ApiApplicationName })).ToList();

        Assert.Equal([DatabaseRoles.App], logins);
    }

    [Fact]
    public async Task TablesThatLaterMigrationsAddAreReadAndWrittenByTheAppRole()
    {
        var database = await stack.Postgres.CreateDatabaseAsync("later");
        await using (var owner = NpgsqlDataSource.Create(PostgresServer.AsOwner(database)))
        {
            await new SchemaMigrator(owner, NullLogger<SchemaMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
            // What a migration after 0007 does: it runs as circly_owner, like every migration.
            await using var connection = await owner.OpenConnectionAsync();
            await connection.ExecuteAsync(
                """
                SET ROLE circly_owner;
                CREATE TABLE later_feature (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text NOT NULL);
                CREATE SEQUENCE later_numbers;
                CREATE FUNCTION later_double(n int) RETURNS int LANGUAGE sql AS 'SELECT n * 2';
                """);
        }
        await using var app = new NpgsqlConnection(database);

        var id = await app.ExecuteScalarAsync<long>("INSERT INTO later_feature (note) VALUES ('first') RETURNING id");
        await app.ExecuteAsync("UPDATE later_feature SET note = 'changed' WHERE id = @id", new { id });
        var note = await app.ExecuteScalarAsync<string>("SELECT note FROM later_feature WHERE id = @id", new { id });
        var next = await app.ExecuteScalarAsync<long>("SELECT nextval('later_numbers')");
        var doubled = await app.ExecuteScalarAsync<int>("SELECT later_double(21)");
        var deleted = await app.ExecuteAsync("DELETE FROM later_feature WHERE id = @id", new { id });
        var drop = await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync("DROP TABLE later_feature"));

        Assert.Equal("changed", note);
        Assert.Equal(1, next);
        Assert.Equal(42, doubled);
        Assert.Equal(1, deleted);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, drop.SqlState);
    }

    [Fact]
    public async Task TheAppDoesNotStartOnADatabaseThatWasNotMigrated()
    {
        var database = await stack.Postgres.CreateDatabaseAsync("unmigrated");
        var settings = stack.Settings();
        settings["Database:ConnectionString"] = database;
        settings["Database:MigrationConnectionString"] = PostgresServer.AsOwner(database);
        settings["Database:MigrateOnStartup"] = "false";

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(settings));

        Assert.Contains(SchemaVersion.Required, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAppCannotMigrateWithItsOwnLogin()
    {
        var database = await stack.Postgres.CreateDatabaseAsync("selfmigrate");
        await using var asApp = NpgsqlDataSource.Create(database);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => new SchemaMigrator(asApp, NullLogger<SchemaMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task AMigratorGivesUpWhenAnotherHoldsTheLockPastTheTimeout()
    {
        var database = PostgresServer.AsOwner(await stack.Postgres.CreateDatabaseAsync("locked"));
        await using var holder = new NpgsqlConnection(database);
        await holder.OpenAsync();
        await holder.ExecuteAsync("SELECT pg_advisory_lock(x'636972636C79'::bigint)");
        await using var owner = NpgsqlDataSource.Create(database);
        var watch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<TimeoutException>(() =>
            new SchemaMigrator(owner, NullLogger<SchemaMigrator>.Instance, TimeSpan.FromMilliseconds(500)).MigrateAsync(TestContext.Current.CancellationToken));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"gave up only after {watch.Elapsed}");
        Assert.Contains("migration lock", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADatabaseMigratedBeforeTheRolesExistedIsAdoptedAndMigratedOn()
    {
        var database = await stack.Postgres.CreateDatabaseAsync("adopt");
        var admin = stack.Postgres.AsAdmin(database);
        await using (var connection = new NpgsqlConnection(admin))
        {
            // The layout an older release left: the first migrations applied by an administrator.
            await connection.OpenAsync();
            await connection.ExecuteAsync($"ALTER DATABASE \"{connection.Database}\" OWNER TO postgres; CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            foreach (var script in MigrationScript.All().Where(s => string.CompareOrdinal(s.Name, "0007") < 0))
            {
                await connection.ExecuteAsync(script.Sql);
                await connection.ExecuteAsync("INSERT INTO schema_migrations (name) VALUES (@Name)", new { script.Name });
            }

            await connection.ExecuteAsync(DatabaseRoles.AdoptDatabaseSql);
        }
        await using var owner = NpgsqlDataSource.Create(PostgresServer.AsOwner(database));
        var applied = await new SchemaMigrator(owner, NullLogger<SchemaMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
        await using var app = new NpgsqlConnection(database);

        Assert.Contains("0007_app_role", applied);
        Assert.Equal(MigrationScript.All()[^1].Name, await app.ExecuteScalarAsync<string>("SELECT schema_version()"));
        Assert.Equal(0, await app.ExecuteScalarAsync<long>("SELECT count(*) FROM users"));
        await using var check = new NpgsqlConnection(admin);
        Assert.Equal(0, await check.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relowner <> 'circly_owner'::regrole"));
    }
}
