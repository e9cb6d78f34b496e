using Microsoft.Extensions.DependencyInjection;

namespace Circly.Core.Analytics;

public static class AnalyticsModule
{
    public static IServiceCollection AddAnalyticsModule(this IServiceCollection services)
    {
        services.AddSingleton<AnalyticsRepository>();
        services.AddSingleton<PeriodKeys>();
        services.AddSingleton(sp => new AnalyticsService(sp.GetRequiredService<AnalyticsRepository>(), sp.GetRequiredService<PeriodKeys>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
