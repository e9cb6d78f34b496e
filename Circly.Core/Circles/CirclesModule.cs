using Circly.Core.RateLimiting;
using Circly.Core.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Circly.Core.Circles;

public static class CirclesModule
{
    public static IServiceCollection AddCirclesModule(this IServiceCollection services)
    {
        services.AddSingleton<CircleRepository>();
        services.AddSingleton<BlockRepository>();
        services.AddSingleton<InviteLinks>();
        services.AddSingleton(sp => new CircleService(
            sp.GetRequiredService<CircleRepository>(), sp.GetRequiredService<InviteLinks>(), sp.GetRequiredService<RateLimiter>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new CircleModeration(sp.GetRequiredService<CircleRepository>()));
        services.AddSingleton(sp => new BlockService(sp.GetRequiredService<BlockRepository>()));
        services.AddSingleton<IAccountDataCleaner>(sp => new CircleAccountCleaner(sp.GetRequiredService<CircleRepository>()));
        return services;
    }
}
