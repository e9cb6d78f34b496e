using Circly.Core.Database;
using Dapper;
using Npgsql;

namespace Circly.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for the test run: CIRCLY_TEST_POSTGRES (an admin connection string)
/// when set, else a private cluster started from the machine's binaries on a free port and
/// stopped at the end. Tests get fresh databases from it, owned by circly_owner and used as
/// circly_app, the two roles of production (created once per server: roles are server-wide,
/// and every test database shares them).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string? _dataDir;

    private PostgresServer(string adminConnectionString, string? dataDir)
    {
        AdminConnectionString = adminConnectionString;
        _dataDir = dataDir;
    }

    public string AdminConnectionString { get; }

    public static async Task<PostgresServer> StartAsync()
    {
        var server = Environment.GetEnvironmentVariable("CIRCLY_TEST_POSTGRES") is { Length: > 0 } external
            ? new PostgresServer(external, null)
            : await StartPrivateClusterAsync();
        // scripts/postgres.sh creates the roles too; an external server gets them here.
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.ExecuteAsync(DatabaseRoles.CreateRolesSql);
        return server;
    }

    private static async Task<PostgresServer> StartPrivateClusterAsync()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"circly-test-pg-{Guid.NewGuid():N}");
        var port = FreePort.Next();
        await ProcessRunner.RunAsync("bash", [RepoPaths.Script("postgres.sh"), "start", dataDir, port.ToString(), "postgres"],
            // max_connections: every TestApp keeps its own pool (up to 100) for as long as it runs, and the
            // suite runs four test collections at once; scripts/postgres.sh's 200 ran out (53300) when the
            // thirty-member fan-out test's registrations met other apps' pools.
            new Dictionary<string, string> { ["PG_EXTRA_OPTS"] = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" });
        return new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=5", dataDir);
    }

    /// <summary>A new, empty database owned by circly_owner; returns the app's (circly_app) connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "circly")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.ExecuteAsync($"CREATE DATABASE \"{name}\" OWNER {DatabaseRoles.Owner}");
        }
        return As(DatabaseRoles.App, new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, MaxPoolSize = 100 }.ConnectionString);
    }

    /// <summary>The same database as circly_owner: what the migrator connects with.</summary>
    public static string AsOwner(string connectionString) => As(DatabaseRoles.Owner, connectionString);

    /// <summary>The same database as the server's administrator (a superuser): for checks no Circly role may make.</summary>
    public string AsAdmin(string connectionString) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = new NpgsqlConnectionStringBuilder(connectionString).Database }.ConnectionString;

    // The roles have no password: they log in where the server trusts the client, as the test clusters do.
    private static string As(string role, string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = role, Password = null }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        if (_dataDir is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ProcessRunner.RunAsync("bash", [RepoPaths.Script("postgres.sh"), "stop", _dataDir]);
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}
