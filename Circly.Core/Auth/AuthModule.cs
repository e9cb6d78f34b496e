using Circly.Core.RateLimiting;
using Circly.Core.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Circly.Core.Auth;

public static class AuthModule
{
    public static IServiceCollection AddAuthModule(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section);
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<DeviceCredentials>();
        services.AddSingleton<RateLimiter>();
        services.AddSingleton<RefreshTokenRepository>();
        services.AddSingleton<TransferCodeRepository>();
        services.AddSingleton<SessionIssuer>();
        services.AddSingleton<BannedDeviceRepository>();
        services.AddSingleton(sp => new AuthService(
            sp.GetRequiredService<UserService>(), sp.GetRequiredService<RefreshTokenRepository>(), sp.GetRequiredService<DeviceCredentials>(),
            sp.GetRequiredService<AccessTokens>(), sp.GetRequiredService<SessionIssuer>(), sp.GetRequiredService<RateLimiter>(), sp.GetRequiredService<BannedDeviceRepository>()));
        services.AddSingleton(sp => new AccountTransfers(
            sp.GetRequiredService<UserService>(), sp.GetRequiredService<TransferCodeRepository>(), sp.GetRequiredService<RefreshTokenRepository>(),
            sp.GetRequiredService<SessionIssuer>(), sp.GetRequiredService<DeviceCredentials>(), sp.GetRequiredService<RateLimiter>(),
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IOptions<AuthOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<BannedDeviceRepository>()));
        services.AddSingleton(sp => new AccountModeration(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<RefreshTokenRepository>(), sp.GetRequiredService<UserService>()));
        return services;
    }
}
