using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Circly.Core.Database;

/// <summary>
/// Applies the SQL migrations that have not run yet, each in its own transaction, recorded in
/// schema_migrations. Everything runs as circly_owner (SET ROLE), whichever login connected, so the
/// schema has one owner and the app role's default privileges cover every table a migration adds.
/// A session-level advisory lock makes concurrent runs wait for each other instead of racing; a
/// run that cannot get it within the lock timeout fails instead of hanging a deployment.
/// </summary>
public sealed partial class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger, TimeSpan? lockTimeout = null)
{
    // "circly" in ASCII: an arbitrary, stable key for pg_advisory_lock.
    private const long MigrationLockKey = 0x636972636C79;

    private readonly TimeSpan _lockTimeout = lockTimeout ?? new DatabaseOptions().MigrationLockTimeout;

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition($"SET ROLE {DatabaseRoles.Owner}", cancellationToken: cancellationToken));
        await LockAsync(connection, cancellationToken);
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

    // lock_timeout bounds the wait for the advisory lock only: the migrations themselves may wait
    // for the locks they need as long as the server lets them.
    private async Task LockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var milliseconds = (long)_lockTimeout.TotalMilliseconds;
        await connection.ExecuteAsync(new CommandDefinition($"SET lock_timeout = {milliseconds}", cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = MigrationLockKey }, cancellationToken: cancellationToken));
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            throw new TimeoutException($"Another migrator held the migration lock for longer than {_lockTimeout}.", exception);
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("RESET lock_timeout", cancellationToken: cancellationToken));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Migration}")]
    private static partial void LogApplied(ILogger logger, string migration);
}
