using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Circly.Core.Database;

/// <summary>
/// Applies the SQL migrations that have not run yet, each in its own transaction, recorded in
/// schema_migrations. A session-level advisory lock makes concurrent starts (several instances
/// scaling out at once) wait for each other instead of racing, for at most <see cref="LockTimeout"/>:
/// a session that died holding the lock, or a stuck migration, then fails the start loudly
/// (the host restarts the worker) instead of hanging every new instance forever.
/// </summary>
public sealed partial class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    // "circly" in ASCII: an arbitrary, stable key for pg_advisory_lock.
    private const long MigrationLockKey = 0x636972636C79;

    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a start waits for another instance's migration before giving up.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await AcquireLockAsync(connection, cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name        text PRIMARY KEY,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<string>(new CommandDefinition("SELECT name FROM schema_migrations", cancellationToken: cancellationToken))).ToHashSet();

            var newlyApplied = new List<string>();
            foreach (var script in MigrationScript.All().Where(s => !applied.Contains(s.Name)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(script.Sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition("INSERT INTO schema_migrations (name) VALUES (@Name)", new { script.Name }, transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                LogApplied(logger, script.Name);
                newlyApplied.Add(script.Name);
            }
            return newlyApplied;
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = MigrationLockKey });
        }
    }

    private async Task AcquireLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@key)", new { key = MigrationLockKey }, cancellationToken: cancellationToken)))
        {
            if (waited.Elapsed >= LockTimeout)
            {
                throw new TimeoutException($"Another session has held the migration lock for over {LockTimeout}; not starting on a schema that may be half migrated.");
            }
            await Task.Delay(LockPollInterval, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Migration}")]
    private static partial void LogApplied(ILogger logger, string migration);
}
