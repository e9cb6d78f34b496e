using Circly.Core.Database;
using Circly.Migrate;
using Circly.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Circly.Tests.Foundation;

/// <summary>
/// Circly.Migrate, the command deployments run instead of the app: setup (roles, database, owner)
/// and migrate, both as an administrator's sign-in acting as circly_owner. Here with the test
/// server's administrator and its own password-less login; in Azure with an Entra ID token.
/// </summary>
public sealed class MigrateCommandTests(CirclyStack stack)
{
    [Fact]
    public async Task SetupThenMigrateMakeANewDatabaseTheAppRoleCanUse()
    {
        var name = $"deploy_{Guid.NewGuid():N}";
        var asAdministrator = new NpgsqlConnectionStringBuilder(stack.Postgres.AdminConnectionString) { Database = name }.ConnectionString;

        var setup = await RunAsync(asAdministrator, "setup");
        var again = await RunAsync(asAdministrator, "setup");
        var migrate = await RunAsync(asAdministrator, "migrate");
        var current = await RunAsync(asAdministrator, "migrate");

        Assert.Equal(0, setup.Code);
        Assert.Contains($"Created database {name}.", setup.Output, StringComparison.Ordinal);
        Assert.Equal(0, again.Code);
        Assert.DoesNotContain("Created database", again.Output, StringComparison.Ordinal);
        Assert.Equal(0, migrate.Code);
        Assert.Contains("0007_app_role", migrate.Output, StringComparison.Ordinal);
        Assert.Equal($"Schema is current ({SchemaVersion.Required}).", current.Output.Trim());
        await using var app = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(asAdministrator) { Username = DatabaseRoles.App }.ConnectionString);
        Assert.Equal(SchemaVersion.Required, await app.ExecuteScalarAsync<string>("SELECT schema_version()"));
        Assert.Equal(DatabaseRoles.Owner, await app.ExecuteScalarAsync<string>("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'users'"));
    }

    [Fact]
    public async Task AnUnknownCommandPrintsTheUsage()
    {
        var result = await RunAsync(stack.Postgres.AdminConnectionString, "drop-everything");

        Assert.Equal(2, result.Code);
        Assert.Equal(MigrateCommand.Usage, result.Errors.Trim());
    }

    private static async Task<(int Code, string Output, string Errors)> RunAsync(string migrationConnectionString, params string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Database:MigrationConnectionString"] = migrationConnectionString })
            .Build();
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = await MigrateCommand.RunAsync(args, configuration, output, errors);
        return (code, output.ToString(), errors.ToString());
    }
}
