using Circly.Core.Circles;
using Circly.Core.Outbox;
using Circly.Core.RateLimiting;
using Circly.Core.Templates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Circly.Core.Polls;

public static class PollsModule
{
    public static IServiceCollection AddPollsModule(this IServiceCollection services)
    {
        services.AddOptions<PollOptions>().BindConfiguration(PollOptions.Section)
            .Validate(o => o.CloseAfterAllVotedMin >= TimeSpan.Zero && o.CloseAfterAllVotedMin <= o.CloseAfterAllVotedMax,
                "Polls:CloseAfterAllVotedMin must be at least 0 and at most Polls:CloseAfterAllVotedMax.")
            .ValidateOnStart();
        services.AddOptions<VotingOptions>().BindConfiguration(VotingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<VoterHash>();
        services.AddSingleton<PollMetrics>();
        services.AddSingleton<PollRepository>();
        services.AddSingleton(sp => new PollService(
            sp.GetRequiredService<PollRepository>(), sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<CircleService>(),
            sp.GetRequiredService<BlockService>(), sp.GetRequiredService<CircleModeration>(),
            sp.GetRequiredService<TemplateService>(), sp.GetRequiredService<VoterHash>(), sp.GetRequiredService<OutboxDispatcher>(),
            sp.GetRequiredService<RateLimiter>(), sp.GetRequiredService<IOptions<PollOptions>>(), sp.GetRequiredService<IOptions<VotingOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetServices<IPollDataCleaner>()));
        services.AddSingleton(sp => new PollModeration(sp.GetRequiredService<PollRepository>(), sp.GetServices<IPollDataCleaner>()));
        return services;
    }
}
