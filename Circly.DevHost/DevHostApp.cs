using System.Reflection;
using Azure.Storage.Queues;
using Circly.Functions;
using Microsoft.Extensions.Configuration.Memory;

namespace Circly.DevHost;

/// <summary>
/// Hosts the function classes of Circly.Functions on Kestrel for machines without Azure Functions
/// Core Tools. Development and tests only; never deployed.
/// </summary>
public static class DevHostApp
{
    /// <summary>Builds the app. Tests pass extra assemblies with functions of their own and extra services.</summary>
    public static WebApplication Build(string[] args, IEnumerable<Assembly>? extraFunctionAssemblies = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        AddHostJson(builder.Configuration, Path.Combine(AppContext.BaseDirectory, "host.json"));
        builder.Logging.AddSimpleConsole(console =>
        {
            console.IncludeScopes = true;
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });

        var functions = FunctionCatalog.Discover([typeof(CirclyApplication).Assembly, .. extraFunctionAssemblies ?? []]);
        builder.Services.AddSingleton(functions);
        builder.AddCircly();
        configureServices?.Invoke(builder.Services);
        AddTriggers(builder, functions);
        var routePrefix = builder.Configuration["AzureFunctionsJobHost:extensions:http:routePrefix"] ?? "api";
        builder.Services.AddSingleton<FunctionKeys>();
        builder.Services.AddSingleton(sp => new HttpTriggerRouter(functions, routePrefix, sp.GetRequiredService<IInlineConstraintResolver>(), sp.GetRequiredService<FunctionKeys>()));
        builder.Services.AddSingleton<ReservedRoutes>();

        var app = builder.Build();
        // The host's order: its own reserved paths first, then the functions in name order.
        var reserved = app.Services.GetRequiredService<ReservedRoutes>();
        var router = app.Services.GetRequiredService<HttpTriggerRouter>();
        app.Use(reserved.InvokeAsync);
        app.Run(router.InvokeAsync);
        return app;
    }

    private static void AddTriggers(WebApplicationBuilder builder, IReadOnlyList<FunctionDescriptor> functions)
    {
        var configuration = builder.Configuration;
        if (configuration.GetValue("DevHost:RunTimers", true))
        {
            foreach (var timer in functions.Where(f => f.Trigger == TriggerKind.Timer))
            {
                builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<TimerTriggerService>(sp, timer));
            }
        }
        if (configuration.GetValue("DevHost:RunQueues", true))
        {
            var options = QueueHostOptions.From(configuration);
            foreach (var queue in functions.Where(f => f.Trigger == TriggerKind.Queue))
            {
                builder.Services.AddSingleton<IHostedService>(sp =>
                {
                    var connection = configuration[queue.Connection!] ?? throw new InvalidOperationException($"Setting '{queue.Connection}' is not configured.");
                    // Raw bodies: the listener decodes Base64 itself and moves poison messages untouched.
                    var client = new QueueServiceClient(connection, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
                    return ActivatorUtilities.CreateInstance<QueueTriggerListener>(sp, queue, client, options);
                });
            }
        }
    }

    /// <summary>
    /// host.json under AzureFunctionsJobHost, beneath every other source, so that
    /// AzureFunctionsJobHost__... environment variables override it as they do on the real host.
    /// </summary>
    private static void AddHostJson(ConfigurationManager configuration, string path)
    {
        var hostJson = new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();
        var values = hostJson.AsEnumerable()
            .Where(pair => pair.Value is not null)
            .Select(pair => new KeyValuePair<string, string?>("AzureFunctionsJobHost:" + pair.Key, pair.Value));
        ((IConfigurationBuilder)configuration).Sources.Insert(0, new MemoryConfigurationSource { InitialData = values });
    }
}
