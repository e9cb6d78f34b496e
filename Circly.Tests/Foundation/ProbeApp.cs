using Circly.Tests.Infrastructure;

namespace Circly.Tests.Foundation;

public static class ProbeApp
{
    /// <summary>DevHost with the probe functions, fast queue retries and a one-second timer.</summary>
    /// <remarks>Only the hosting tests poll the probe queues: an app that holds a message while its storage proxy is cut would hide it for the processing lease.</remarks>
    public static Task<TestApp> StartAsync(CirclyStack stack, string? database = null, string? storage = null, bool runQueues = false)
    {
        var settings = CirclyStack.Settings(database ?? stack.DatabaseConnectionString, storage ?? stack.Azurite.ConnectionString);
        settings["Database:MigrateOnStartup"] = "false";
        settings["DevHost:RunTimers"] = "true";
        settings["DevHost:RunQueues"] = runQueues ? "true" : "false";
        settings["PROBE_SCHEDULE"] = "* * * * * *";
        settings["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00";
        settings["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200";
        return TestApp.StartAsync(settings, [typeof(ProbeApp).Assembly]);
    }
}
