using Microsoft.Extensions.DependencyInjection;

namespace Circly.Core.Users;

public static class UsersModule
{
    public static IServiceCollection AddUsersModule(this IServiceCollection services)
    {
        services.AddSingleton<UserRepository>();
        services.AddSingleton(sp => new StandingCache(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new UserService(sp.GetRequiredService<UserRepository>(), sp.GetServices<IAccountDataCleaner>(), sp.GetRequiredService<StandingCache>()));
        return services;
    }
}
