using Circly.Tests.Infrastructure;

namespace Circly.Tests.Foundation;

public static class ProbeApp
{
    /// <summary>DevHost with the probe functions, fast queue retries and a one-second timer.</summary>
    public static Task<TestApp> StartAsync(CirclyStack stack, string? database = null, string? storage = null)
    {
        var settings = CirclyStack.Settings(database ?? stack.DatabaseConnectionString, storage ?? stack.Azurite.ConnectionString);
        settings["Database:MigrateOnStartup"] = "false";
        settings["DevHost:RunTimers"] = "true";
        settings["PROBE_SCHEDULE"] = "* * * * * *";
        settings["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00";
        settings["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200";
        return TestApp.StartAsync(settings, [typeof(ProbeApp).Assembly]);
    }
}
