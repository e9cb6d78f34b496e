using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Circly.Core.Database;

/// <summary>
/// Before the app takes traffic: migrates with the owner's connection when Database:MigrateOnStartup
/// is on (locally, in tests), then checks, with the app's own connection, that the schema is at
/// least the one this build needs. An app against an un-migrated schema does not start.
/// </summary>
internal sealed class SchemaOnStartup(NpgsqlDataSource appDatabase, IOptions<DatabaseOptions> options, ILoggerFactory loggers) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.MigrateOnStartup)
        {
            if (string.IsNullOrWhiteSpace(settings.MigrationConnectionString))
            {
                throw new InvalidOperationException("Database:MigrateOnStartup is on but Database:MigrationConnectionString is empty: the app's own login may not change the schema.");
            }
            await using var ownerDatabase = PostgresDataSource.Create(settings.MigrationConnectionString, settings);
            await new SchemaMigrator(ownerDatabase, loggers.CreateLogger<SchemaMigrator>(), settings.MigrationLockTimeout).MigrateAsync(cancellationToken);
        }

        await using var connection = await appDatabase.OpenConnectionAsync(cancellationToken);
        var version = await SchemaVersion.ReadAsync(connection, cancellationToken);
        if (!SchemaVersion.IsCurrent(version))
        {
            throw new InvalidOperationException(
                $"The database schema is at {version ?? "(none)"} but this build needs {SchemaVersion.Required}: run the migrations first (docs/DEPLOY.md, Database migrations).");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
