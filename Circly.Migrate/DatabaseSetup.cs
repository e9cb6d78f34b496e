using Circly.Core.Database;
using Dapper;
using Npgsql;

namespace Circly.Migrate;

/// <summary>
/// What an administrator does once per server and database before the first migration: the two
/// roles, membership in circly_owner for the administrator (so the migrator may SET ROLE), the
/// database owned by circly_owner (or an older one handed over), and in Azure the Function App's
/// Entra principal as a member of circly_app. Idempotent: every deployment runs it again.
/// </summary>
public static class DatabaseSetup
{
    public static async Task RunAsync(DatabaseOptions options, string? appPrincipal, TextWriter output)
    {
        var target = new NpgsqlConnectionStringBuilder(options.MigrationConnectionString);
        var databaseName = target.Database ?? throw new InvalidOperationException("The migration connection string names no database.");
        // Roles and Entra principals are server-wide: they are made from the maintenance database.
        var server = new NpgsqlConnectionStringBuilder(options.MigrationConnectionString) { Database = "postgres" }.ConnectionString;

        await using (var dataSource = PostgresDataSource.Create(server, options))
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(DatabaseRoles.CreateRolesSql);
            var me = await connection.QuerySingleAsync<(string Name, bool Super)>("SELECT rolname, rolsuper FROM pg_roles WHERE rolname = current_user");
            if (!me.Super && me.Name != DatabaseRoles.Owner)
            {
                await connection.ExecuteAsync($"GRANT {DatabaseRoles.Owner} TO CURRENT_USER");
                await output.WriteLineAsync($"{me.Name} may act as {DatabaseRoles.Owner}.");
            }
            if (appPrincipal is not null)
            {
                await EnsureEntraPrincipalAsync(connection, appPrincipal, output);
            }
            if (!await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT FROM pg_database WHERE datname = @databaseName)", new { databaseName }))
            {
                await connection.ExecuteAsync($"CREATE DATABASE {Quote(databaseName)} OWNER {DatabaseRoles.Owner}");
                await output.WriteLineAsync($"Created database {databaseName}.");
            }
        }

        await using (var dataSource = PostgresDataSource.Create(target.ConnectionString, options))
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(DatabaseRoles.AdoptDatabaseSql);
        }
        await output.WriteLineAsync($"Database {databaseName} belongs to {DatabaseRoles.Owner}.");
    }

    // Azure Database for PostgreSQL maps Entra principals to roles with its pgaadauth extension;
    // only an Entra administrator may call it. Not an admin, no MFA claim (a managed identity has none).
    private static async Task EnsureEntraPrincipalAsync(NpgsqlConnection connection, string principal, TextWriter output)
    {
        if (!await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = @principal)", new { principal }))
        {
            await connection.ExecuteAsync("SELECT * FROM pgaadauth_create_principal(@principal, false, false)", new { principal });
            await output.WriteLineAsync($"Created the Entra principal {principal}.");
        }
        await connection.ExecuteAsync($"GRANT {DatabaseRoles.App} TO {Quote(principal)}");
        await output.WriteLineAsync($"{principal} signs in as a member of {DatabaseRoles.App}.");
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
