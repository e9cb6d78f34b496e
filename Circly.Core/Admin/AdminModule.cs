using Circly.Core.Auth;
using Circly.Core.Circles;
using Circly.Core.Polls;
using Circly.Core.Reports;
using Circly.Core.Templates;
using Circly.Core.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Circly.Core.Admin;

public static class AdminModule
{
    public static IServiceCollection AddAdminModule(this IServiceCollection services)
    {
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section);
        services.AddSingleton<AdminTokens>();
        services.AddSingleton<AdminAudit>();
        services.AddSingleton(sp => new AdminService(
            sp.GetRequiredService<AdminAudit>(), sp.GetRequiredService<ReportService>(), sp.GetRequiredService<CircleModeration>(),
            sp.GetRequiredService<PollModeration>(), sp.GetRequiredService<AccountModeration>(), sp.GetRequiredService<UserService>(),
            sp.GetRequiredService<TemplateService>()));
        return services;
    }
}
