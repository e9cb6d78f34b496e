using Dapper;
using Npgsql;

namespace Circly.Core.Database;

/// <summary>
/// The schema version a database is at (its latest applied migration, read through the
/// schema_version() function, as the app role may not read the journal itself) and the one this
/// build needs. A database ahead of the build is fine: migrations are additive (docs/DEPLOY.md, Rollback).
/// </summary>
public static class SchemaVersion
{
    /// <summary>The latest migration this build ships.</summary>
    public static string Required { get; } = MigrationScript.All()[^1].Name;

    /// <summary>The database's version; null when it has none yet (migrations before 0007 had no schema_version()).</summary>
    public static async Task<string?> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT schema_version()", cancellationToken: cancellationToken));
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedFunction)
        {
            return null;
        }
    }

    public static bool IsCurrent(string? version) => version is not null && string.CompareOrdinal(version, Required) >= 0;
}
