using System.Text.Json;

namespace Circly.Functions.OpenApi;

/// <summary>One function as the Worker SDK described it to the host: its name and trigger, and for HTTP its route, methods and key level.</summary>
public sealed record FunctionMetadata(string Name, string Trigger, string? Route, IReadOnlyList<string> Methods, string? AuthLevel)
{
    public bool IsHttp => Trigger == "httpTrigger";
}

/// <summary>
/// Reads functions.metadata, which the Worker SDK writes next to the worker at build time and the
/// Functions host dispatches from: documenting routes from it (not from our own reading of the
/// attributes) means a route cannot be documented differently from how it is served.
/// </summary>
public static class FunctionsMetadata
{
    public const string FileName = "functions.metadata";

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, FileName);

    public static IReadOnlyList<FunctionMetadata> Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return [.. document.RootElement.EnumerateArray().Select(Describe)];
    }

    private static FunctionMetadata Describe(JsonElement function)
    {
        var trigger = function.GetProperty("bindings").EnumerateArray()
            .Single(binding => binding.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
        return new FunctionMetadata(
            function.GetProperty("name").GetString()!,
            trigger.GetProperty("type").GetString()!,
            trigger.TryGetProperty("route", out var route) ? route.GetString() : null,
            trigger.TryGetProperty("methods", out var methods) ? [.. methods.EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant())] : [],
            trigger.TryGetProperty("authLevel", out var level) ? level.GetString() : null);
    }
}
