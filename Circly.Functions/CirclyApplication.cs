using Circly.Core;
using Circly.Functions.Http;
using Circly.Functions.OpenApi;
using Circly.Functions.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Circly.Functions;

/// <summary>
/// The whole composition of the worker: telemetry, the product and the HTTP conventions.
/// Program.cs (under the Functions host) and Circly.DevHost both call this one method, so that
/// what runs locally and in tests is what runs in Azure; there is no second registration list.
/// </summary>
public static class CirclyApplication
{
    public static TBuilder AddCircly<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddCirclyTelemetry(builder.Configuration);
        builder.Services.AddCirclyCore(builder.Configuration);
        builder.Services.AddSingleton<ClientAddress>();
        builder.Services.AddSingleton<HttpApi>();
        builder.Services.AddSingleton(_ => new OpenApiDocumentSource(FunctionsMetadata.DefaultPath));
        return builder;
    }
}
