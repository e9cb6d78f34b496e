using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Circly.DevHost;
using Circly.Functions;
using Circly.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Circly.Tests.Foundation;

/// <summary>
/// The worker's own start-up, as Azure runs it: Program.cs's composition with the settings
/// infra/main.bicep gives the Function App (a telemetry connection string, identity-based
/// storage, Key Vault references already resolved to values).
/// </summary>
public sealed class WorkerStartupTests(CirclyStack stack)
{
    // A closed loopback port: the exporter is built and configured but sends nowhere.
    private const string TelemetryConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:9/;LiveEndpoint=http://127.0.0.1:9/";

    [Fact]
    public void TheWorkersCompositionResolvesEveryFunctionWithProductionSettings()
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(AzureSettings(identityStorage: true).Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)));
        builder.ConfigureFunctionsWebApplication();
        builder.AddCircly();

        using var host = builder.Build();

        host.Services.GetRequiredService<IStartupValidator>().Validate();
        Assert.NotNull(host.Services.GetService<TracerProvider>());
        Assert.NotNull(host.Services.GetService<MeterProvider>());
        using var scope = host.Services.CreateScope();
        var functionClasses = FunctionCatalog.Discover([typeof(CirclyApplication).Assembly]).Select(f => f.DeclaringType).Distinct().ToList();
        Assert.NotEmpty(functionClasses);
        Assert.All(functionClasses, type => Assert.NotNull(ActivatorUtilities.CreateInstance(scope.ServiceProvider, type)));
    }

    [Fact]
    public void TheSchemaIsMigratedAndCheckedBeforeTheWorkerConnectsToItsHostOrTheWebHostListens()
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(AzureSettings(identityStorage: true).Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)));
        builder.ConfigureFunctionsWebApplication();
        builder.AddCircly();


        // Hosted services start one after another in registration order; the worker's takes invocations.
        var order = builder.Services.Where(service => service.ServiceType == typeof(IHostedService))
            .Select(service => service.ImplementationType?.Name ?? service.ImplementationInstance?.GetType().Name ?? "(factory)").ToList();
        Assert.Equal("SchemaOnStartup", order[0]);
        Assert.Contains("WorkerHostedService", order);
    }

    [Fact]
    public async Task TheRealWorkerRunsProgramCsWithTelemetryOnAndConnectsToItsHost()
    {
        // The host's side of the worker's gRPC channel: reaching it means Program.cs composed,
        // built and started the worker.
        using var hostEndpoint = new TcpListener(IPAddress.Loopback, 0);
        hostEndpoint.Start();
        var port = ((IPEndPoint)hostEndpoint.LocalEndpoint).Port;
        var environment = AzureSettings(identityStorage: false);
        // No managed identity here: storage is Azurite's connection string, the rest as in Azure.
        environment["AzureWebJobsStorage"] = stack.Azurite.ConnectionString;

        using var worker = ProcessRunner.Start("dotnet", [WorkerAssembly(),
            "--host", "127.0.0.1", "--port", port.ToString(), "--workerId", "startup-test", "--requestId", "startup-test", "--grpcMaxMessageLength", "2147483647",
            "--functions-uri", $"http://127.0.0.1:{port}/", "--functions-worker-id", "startup-test", "--functions-request-id", "startup-test", "--functions-grpc-max-message-length", "2147483647"],
            environment);
        var output = worker.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = worker.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var connected = hostEndpoint.AcceptTcpClientAsync(deadline.Token).AsTask();
            var exited = worker.WaitForExitAsync(deadline.Token);
            var first = await Task.WhenAny(connected, exited);

            Assert.True(first == connected && connected.IsCompletedSuccessfully,
                $"The worker did not reach its host (exited: {worker.HasExited}).\n{await Tail(output, worker)}\n{await Tail(errors, worker)}");
            (await connected).Dispose();
        }
        finally
        {
            if (!worker.HasExited)
            {
                worker.Kill(entireProcessTree: true);
            }
            await worker.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// The app settings of infra/main.bicep as the app sees them in Azure: the local sample's
    /// values for the plain ones, secrets resolved from Key Vault, telemetry on, and storage by
    /// identity (account name, credential, client id, service URIs) instead of a connection string.
    /// </summary>
    private Dictionary<string, string> AzureSettings(bool identityStorage)
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        var settings = sample.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
        settings.Remove("AzureWebJobsStorage");
        if (identityStorage)
        {
            settings["AzureWebJobsStorage__accountName"] = "stcirclyprod";
            settings["AzureWebJobsStorage__credential"] = "managedidentity";
            settings["AzureWebJobsStorage__clientId"] = "3f1e2a0c-8a4b-4c52-9d8e-1b2c3d4e5f60";
            settings["AzureWebJobsStorage__blobServiceUri"] = "https://stcirclyprod.blob.core.windows.net";
            settings["AzureWebJobsStorage__queueServiceUri"] = "https://stcirclyprod.queue.core.windows.net";
            settings["AzureWebJobsStorage__tableServiceUri"] = "https://stcirclyprod.table.core.windows.net";
            settings["Database__Authentication"] = "EntraId";
            settings["Database__EntraClientId"] = "3f1e2a0c-8a4b-4c52-9d8e-1b2c3d4e5f60";
        }
        settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = TelemetryConnectionString;
        // Statsbeat would report to Microsoft's endpoints; nothing leaves this machine in tests.
        settings["APPLICATIONINSIGHTS_STATSBEAT_DISABLED"] = "true";
        settings["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production";
        // As in Azure the app signs in as the app role and never migrates (the deployment does);
        // with identity storage also by Entra ID tokens, which only the composition test can take.
        settings["Database__ConnectionString"] = stack.DatabaseConnectionString;
        settings["Database__MigrateOnStartup"] = "false";
        settings["Database__MigrationConnectionString"] = "";
        settings["Auth__Issuer"] = "https://func-circly-prod.azurewebsites.net";
        settings["Auth__SigningKeyPem"] = TestSecrets.SigningKeyPem;
        settings["Auth__DeviceIdPepper"] = TestSecrets.DeviceIdPepper;
        settings["Voting__HashSecret"] = TestSecrets.VoteHashSecret;
        settings["Expo__AccessToken"] = "expo-access-token-from-key-vault";
        settings["App__PublicBaseUrl"] = "https://func-circly-prod.azurewebsites.net";
        // The exporter reads this process-wide, also when composed in this test process.
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
        return settings;
    }

    /// <summary>Circly.Functions as built, in the configuration these tests were built in.</summary>
    private static string WorkerAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = Path.Combine(RepoPaths.Root, "Circly.Functions", "bin", configuration, "net10.0", "Circly.Functions.dll");
        Assert.True(File.Exists(path), $"Build Circly.Functions first: {path} is missing.");
        return path;
    }

    private static async Task<string> Tail(Task<string> stream, Process worker)
    {
        if (!worker.HasExited)
        {
            return "(still running)";
        }
        var text = await stream;
        return text.Length > 4000 ? text[^4000..] : text;
    }
}
