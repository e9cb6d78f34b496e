using Circly.Core.Circles;
using Circly.Core.Polls;
using Circly.Core.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Circly.Core.Reports;

public static class ReportsModule
{
    public static IServiceCollection AddReportsModule(this IServiceCollection services)
    {
        services.AddOptions<ReportOptions>().BindConfiguration(ReportOptions.Section);
        services.AddSingleton<ReportRepository>();
        services.AddSingleton(sp => new ReportService(
            sp.GetRequiredService<ReportRepository>(), sp.GetRequiredService<CircleService>(), sp.GetRequiredService<CircleModeration>(),
            sp.GetRequiredService<PollService>(), sp.GetRequiredService<RateLimiter>(), sp.GetRequiredService<IOptions<ReportOptions>>()));
        return services;
    }
}
