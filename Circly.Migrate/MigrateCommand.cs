using Circly.Core.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Circly.Migrate;

/// <summary>The two subcommands: migrate (as circly_owner) and setup (the roles, the database, the app's Entra principal).</summary>
public static class MigrateCommand
{
    public const string Usage = "usage: Circly.Migrate migrate | setup [APP_PRINCIPAL]";

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter errors)
    {
        var options = new DatabaseOptions();
        configuration.GetSection(DatabaseOptions.Section).Bind(options);
        if (string.IsNullOrWhiteSpace(options.MigrationConnectionString))
        {
            await errors.WriteLineAsync("Database__MigrationConnectionString is not set.");
            return 2;
        }

        switch (args)
        {
            case ["migrate"]:
                await using (var owner = PostgresDataSource.Create(options.MigrationConnectionString, options))
                {
                    var applied = await new SchemaMigrator(owner, NullLogger<SchemaMigrator>.Instance, options.MigrationLockTimeout).MigrateAsync(CancellationToken.None);
                    await output.WriteLineAsync(applied.Count == 0
                        ? $"Schema is current ({SchemaVersion.Required})."
                        : $"Applied {string.Join(", ", applied)}.");
                }
                return 0;
            case ["setup", .. var rest] when rest.Length <= 1:
                var principal = rest.Length == 1 ? rest[0] : null;
                await DatabaseSetup.RunAsync(options, principal, output);
                return 0;
            default:
                await errors.WriteLineAsync(Usage);
                return 2;
        }
    }
}
