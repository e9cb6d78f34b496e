using System.Net;
using Circly.Core.Circles;
using Circly.Core.Polls;
using Circly.Core.RateLimiting;
using Circly.Core.Storage;
using Circly.Core.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Circly.Core.Notifications;

public static class NotificationsModule
{
    public static IServiceCollection AddNotificationsModule(this IServiceCollection services)
    {
        services.AddOptions<ExpoOptions>().BindConfiguration(ExpoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ExpoGate>();
        // A typed client, created per use by IHttpClientFactory; pooled connections are renewed for DNS changes.
        services.AddHttpClient<ExpoClient>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        services.AddSingleton<PushKeys>();
        services.AddSingleton<PushTicketStore>();
        services.AddSingleton<PushMetrics>();
        services.AddSingleton<NotificationEvents>();
        services.AddSingleton(sp => new PushTicketRetention(sp.GetRequiredService<PushTicketStore>()));
        services.AddTransient(sp => new PushSender(
            sp.GetRequiredService<ExpoClient>(), sp.GetRequiredService<PushTicketStore>(), sp.GetRequiredService<RateLimiter>(), sp.GetRequiredService<UserService>(),
            sp.GetRequiredService<IOptions<ExpoOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PushSender>>(),
            sp.GetRequiredService<PushMetrics>()));
        services.AddTransient(sp => new PushReceiptChecker(
            sp.GetRequiredService<ExpoClient>(), sp.GetRequiredService<PushTicketStore>(), sp.GetRequiredService<UserService>(),
            sp.GetRequiredService<IOptions<ExpoOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PushReceiptChecker>>(),
            sp.GetRequiredService<PushMetrics>()));

        services.AddSingleton<NotificationSettingsRepository>();
        services.AddSingleton(sp => new NotificationSettingsService(sp.GetRequiredService<NotificationSettingsRepository>(), sp.GetRequiredService<UserService>()));
        services.AddSingleton<InboxRepository>();
        services.AddSingleton(sp => new InboxService(sp.GetRequiredService<InboxRepository>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAccountDataCleaner>(sp => new NotificationsAccountCleaner(sp.GetRequiredService<InboxService>(), sp.GetRequiredService<PushTicketStore>()));
        services.AddSingleton(sp => new NotificationFanOut(
            sp.GetRequiredService<CircleService>(), sp.GetRequiredService<PollService>(), sp.GetRequiredService<PollModeration>(),
            sp.GetRequiredService<BlockService>(), sp.GetRequiredService<UserService>(),
            sp.GetRequiredService<NotificationSettingsService>(), sp.GetRequiredService<InboxService>(), sp.GetRequiredService<StorageClients>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<NotificationFanOut>>()));
        return services;
    }
}
