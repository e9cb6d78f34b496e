using Azure.Monitor.OpenTelemetry.Exporter;
using Circly.Core.Telemetry;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Circly.Functions.Telemetry;

/// <summary>
/// Telemetry through OpenTelemetry, the path the isolated worker supports today
/// (Microsoft.ApplicationInsights.WorkerService 3.x makes the worker die at start-up with a
/// TypeLoadException; see docs/ARCHITECTURE.md). The Azure Monitor exporter is added only where
/// a connection string is configured, so local runs and tests export nothing. The app's own
/// meters (pushes, polls, backlog) and Npgsql's connection-pool metrics go the same way.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static IServiceCollection AddCirclyTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        // The app's meters come from IMeterFactory (one per concern, Circly.Core/Telemetry/CirclyMeters.cs).
        services.AddMetrics();
        var telemetry = services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddNpgsql())
            .WithMetrics(metrics => metrics.AddNpgsqlInstrumentation().AddMeter([.. CirclyMeters.All]))
            .UseFunctionsWorkerDefaults();
        if (!string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]))
        {
            var credential = AzureMonitorCredential.From(configuration[AzureMonitorCredential.Setting]);
            telemetry.UseAzureMonitorExporter(options => options.Credential = credential);
        }
        return services;
    }
}
