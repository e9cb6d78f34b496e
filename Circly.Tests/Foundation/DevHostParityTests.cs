using System.Text.Json;
using Circly.DevHost;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Foundation;

/// <summary>DevHost serves exactly what the Worker SDK tells the real Functions host about.</summary>
public sealed class DevHostParityTests(CirclyStack stack)
{
    [Fact]
    public void EveryFunctionInFunctionsMetadataIsServedByDevHostWithTheSameTrigger()
    {
        var metadata = ReadFunctionsMetadata();
        var hosted = stack.Api.Get<IReadOnlyList<FunctionDescriptor>>().ToDictionary(f => f.Name);
        var routed = stack.Api.Get<HttpTriggerRouter>().Functions.ToDictionary(f => f.Name);

        Assert.NotEmpty(metadata);
        Assert.Equal(metadata.Select(m => m.Name).Order(), hosted.Keys.Order());
        foreach (var function in metadata)
        {
            var descriptor = hosted[function.Name];
            switch (function.Trigger)
            {
                case "httpTrigger":
                    Assert.Equal(TriggerKind.Http, descriptor.Trigger);
                    var route = routed[function.Name];
                    Assert.Equal(function.Route, route.Route);
                    Assert.Equal(function.Methods.Order(), (route.HttpMethods ?? []).Select(m => m.ToLowerInvariant()).Order());
                    Assert.Equal(function.AuthLevel, route.AuthLevel.ToString());
                    break;
                case "timerTrigger":
                    Assert.Equal(TriggerKind.Timer, descriptor.Trigger);
                    Assert.Equal(function.Schedule, descriptor.Schedule);
                    break;
                case "queueTrigger":
                    Assert.Equal(TriggerKind.Queue, descriptor.Trigger);
                    Assert.Equal(function.QueueName, descriptor.QueueName);
                    break;
                default:
                    Assert.Fail($"{function.Name} has trigger {function.Trigger}, which DevHost does not host.");
                    break;
            }
        }
    }

    [Fact]
    public void DevHostRunsWithTheGarbageCollectorSettingsOfTheFunctionsWorker()
    {
        // The real host starts the worker with `dotnet Circly.Functions.dll`, so its runtimeconfig.json
        // decides the GC; the bench measures memory under the DevHost, which must decide the same.
        var worker = GcSettingsOf("Circly.Functions.runtimeconfig.json");
        var devHost = GcSettingsOf("Circly.DevHost.runtimeconfig.json");

        Assert.Equal(worker, devHost);
        Assert.False(devHost.TryGetValue("System.GC.Server", out var server) && server == "true", "The worker runs workstation GC.");
    }

    private static SortedDictionary<string, string> GcSettingsOf(string runtimeConfig)
    {
        // Both executables' runtimeconfig.json flow into this output with their projects.
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, runtimeConfig)));
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (document.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var properties))
        {
            foreach (var property in properties.EnumerateObject().Where(p => p.Name.StartsWith("System.GC.", StringComparison.Ordinal)))
            {
                settings[property.Name] = property.Value.ToString().ToLowerInvariant();
            }
        }
        // Written out or left to the runtime's default, the same setting.
        if (settings.GetValueOrDefault("System.GC.Server") == "false")
        {
            settings.Remove("System.GC.Server");
        }
        return settings;
    }

    private sealed record MetadataFunction(string Name, string Trigger, string? Route, string[] Methods, string? Schedule, string? QueueName, string? AuthLevel);

    private static List<MetadataFunction> ReadFunctionsMetadata()
    {
        // The Worker SDK writes functions.metadata in Circly.Functions' build; it flows into this output.
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().Select(function =>
        {
            var trigger = function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            return new MetadataFunction(
                function.GetProperty("name").GetString()!,
                trigger.GetProperty("type").GetString()!,
                trigger.TryGetProperty("route", out var route) ? route.GetString() : null,
                trigger.TryGetProperty("methods", out var methods) ? methods.EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()).ToArray() : [],
                trigger.TryGetProperty("schedule", out var schedule) ? schedule.GetString() : null,
                trigger.TryGetProperty("queueName", out var queue) ? queue.GetString() : null,
                trigger.TryGetProperty("authLevel", out var authLevel) ? authLevel.GetString() : null);
        }).ToList();
    }
}
