using Circly.Core;
using Circly.Functions.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Circly.Functions;

public static class FunctionsServiceCollectionExtensions
{
    /// <summary>What the function classes need. Program.cs and Circly.DevHost both call this.</summary>
    public static IServiceCollection AddCirclyFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCirclyCore(configuration);
        services.AddSingleton<ClientAddress>();
        services.AddSingleton<HttpApi>();
        return services;
    }
}
