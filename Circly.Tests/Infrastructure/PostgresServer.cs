using Dapper;
using Npgsql;

namespace Circly.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for the test run: CIRCLY_TEST_POSTGRES (an admin connection string)
/// when set, else a private cluster started from the machine's binaries on a free port and
/// stopped at the end. Tests get fresh databases from it.
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
        if (Environment.GetEnvironmentVariable("CIRCLY_TEST_POSTGRES") is { Length: > 0 } external)
        {
            return new PostgresServer(external, null);
        }
        var dataDir = Path.Combine(Path.GetTempPath(), $"circly-test-pg-{Guid.NewGuid():N}");
        var port = FreePort.Next();
        await ProcessRunner.RunAsync("bash", [RepoPaths.Script("postgres.sh"), "start", dataDir, port.ToString(), "postgres"],
            new Dictionary<string, string> { ["PG_EXTRA_OPTS"] = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" });
        return new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=5", dataDir);
    }

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "circly")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.ExecuteAsync($"CREATE DATABASE \"{name}\"");
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, MaxPoolSize = 100 }.ConnectionString;
    }

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
