using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Circly.Functions.Telemetry;

/// <summary>
/// Telemetry through OpenTelemetry, the path the isolated worker supports today
/// (Microsoft.ApplicationInsights.WorkerService 3.x makes the worker die at start-up with a
/// TypeLoadException; see docs/ARCHITECTURE.md). The Azure Monitor exporter is added only where
/// a connection string is configured, so local runs and tests export nothing.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static IServiceCollection AddCirclyTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddNpgsql())
            .WithMetrics(metrics => metrics.AddNpgsqlInstrumentation())
            .UseFunctionsWorkerDefaults();
        if (!string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]))
        {
            telemetry.UseAzureMonitorExporter();
        }
        return services;
    }
}
