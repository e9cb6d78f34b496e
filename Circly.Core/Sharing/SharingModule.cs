using Circly.Core.Circles;
using Circly.Core.Polls;
using Circly.Core.RateLimiting;
using Circly.Core.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Circly.Core.Sharing;

public static class SharingModule
{
    public static IServiceCollection AddSharingModule(this IServiceCollection services)
    {
        services.AddOptions<SharingOptions>().BindConfiguration(SharingOptions.Section).ValidateDataAnnotations()
            .Validate(o => !o.StoreLink.Contains("join", StringComparison.OrdinalIgnoreCase), "Sharing:StoreLink must be a store link, never an invite link.")
            .ValidateOnStart();
        services.AddSingleton<CardFonts>();
        services.AddSingleton<CardRenderer>();
        services.AddSingleton<ShareCardRepository>();
        services.AddSingleton<ShareCardStore>();
        services.AddSingleton<ShareCardDeleter>();
        services.AddSingleton<IPollDataCleaner, ShareCardPollCleaner>();
        services.AddSingleton<IAccountDataCleaner, ShareCardAccountCleaner>();
        services.AddSingleton(sp => new ShareCardService(
            sp.GetRequiredService<PollService>(), sp.GetRequiredService<CircleService>(), sp.GetRequiredService<RateLimiter>(),
            sp.GetRequiredService<CardRenderer>(), sp.GetRequiredService<ShareCardRepository>(), sp.GetRequiredService<ShareCardStore>(),
            sp.GetRequiredService<ShareCardDeleter>(), sp.GetRequiredService<IOptions<SharingOptions>>()));
        return services;
    }
}
