using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Circly.Core.Database;

/// <summary>Runs the migrator before the app takes traffic when Database:MigrateOnStartup is on.</summary>
internal sealed class MigrateOnStartup(SchemaMigrator migrator, IOptions<DatabaseOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MigrateOnStartup)
        {
            await migrator.MigrateAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
