using Microsoft.Extensions.DependencyInjection;

namespace Circly.Core.Templates;

public static class TemplatesModule
{
    public static IServiceCollection AddTemplatesModule(this IServiceCollection services)
    {
        services.AddSingleton<TemplateRepository>();
        services.AddSingleton(sp => new TemplateService(sp.GetRequiredService<TemplateRepository>()));
        return services;
    }
}
