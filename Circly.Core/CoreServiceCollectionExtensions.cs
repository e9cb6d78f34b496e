using Circly.Core.Admin;
using Circly.Core.Analytics;
using Circly.Core.Auth;
using Circly.Core.Circles;
using Circly.Core.Database;
using Circly.Core.Health;
using Circly.Core.Maintenance;
using Circly.Core.Notifications;
using Circly.Core.Outbox;
using Circly.Core.Polls;
using Circly.Core.RateLimiting;
using Circly.Core.Reports;
using Circly.Core.Sharing;
using Circly.Core.Storage;
using Circly.Core.Templates;
using Circly.Core.Users;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Circly.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Everything Circly.Core needs: options, the app's NpgsqlDataSource, storage clients, modules.</summary>
    public static IServiceCollection AddCirclyCore(this IServiceCollection services, IConfiguration configuration)
    {
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
        DefaultTypeMap.MatchNamesWithUnderscores = true;

        services.TryAddSingletonTimeProvider();
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AppOptions>().BindConfiguration(AppOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return PostgresDataSource.Create(database.EffectiveConnectionString(), database);
        });
        // First of all hosted services: the Functions worker's own (WorkerHostedService, which
        // connects to the host and takes invocations) and the web host are registered before
        // AddCircly, and hosted services start in order, so the app takes no traffic before the
        // schema is migrated (locally) and checked.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, SchemaOnStartup>());

        services.AddSingleton(_ => StorageClients.FromConfiguration(configuration));
        services.AddHostedService<StorageInitializer>();
        services.AddSingleton<PoisonReplayer>();

        services.AddSingleton<HealthService>();
        services.AddSingleton<BacklogMetrics>();
        services.AddSingleton<BacklogSampler>();
        services.AddSingleton<OutboxDispatcher>();

        services.AddUsersModule();
        services.AddAuthModule();
        services.AddCirclesModule();
        services.AddTemplatesModule();
        services.AddPollsModule();
        services.AddNotificationsModule();
        services.AddReportsModule();
        services.AddAdminModule();
        services.AddSharingModule();
        services.AddAnalyticsModule();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OutboxRetention>();
        services.AddSingleton(sp => new CleanupService(sp.GetRequiredService<RateLimiter>(), sp.GetRequiredService<AuthService>(),
            sp.GetRequiredService<AccountTransfers>(), sp.GetRequiredService<NotificationSettingsService>(), sp.GetRequiredService<ShareCardService>(),
            sp.GetRequiredService<OutboxRetention>(), sp.GetRequiredService<InboxService>(), sp.GetRequiredService<PushTicketRetention>(),
            sp.GetRequiredService<PollService>(), sp.GetRequiredService<CircleService>(), sp.GetRequiredService<AnalyticsService>(),
            sp.GetRequiredService<IOptions<RetentionOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
