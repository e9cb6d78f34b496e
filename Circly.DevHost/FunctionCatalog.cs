using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Circly.DevHost;

/// <summary>
/// Finds every [Function] method and reads its trigger from the same attributes the Worker SDK
/// turns into functions.metadata: one source of truth for routes, methods, schedules and queues.
/// </summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<FunctionDescriptor> Discover(IEnumerable<Assembly> assemblies) =>
        assemblies
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type is { IsClass: true, IsAbstract: false })
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(Describe)
            .OfType<FunctionDescriptor>()
            .OrderBy(function => function.Name, StringComparer.Ordinal)
            .ToList();

    private static FunctionDescriptor? Describe(MethodInfo method)
    {
        var function = method.GetCustomAttribute<FunctionAttribute>();
        if (function is null)
        {
            return null;
        }
        foreach (var parameter in method.GetParameters())
        {
            if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is { } http)
            {
                return new FunctionDescriptor(function.Name, method.DeclaringType!, method, TriggerKind.Http,
                    Route: http.Route ?? function.Name,
                    HttpMethods: http.Methods?.Select(m => m.ToUpperInvariant()).ToList(),
                    AuthLevel: http.AuthLevel);
            }
            if (parameter.GetCustomAttribute<TimerTriggerAttribute>() is { } timer)
            {
                return new FunctionDescriptor(function.Name, method.DeclaringType!, method, TriggerKind.Timer,
                    Schedule: timer.Schedule, RunOnStartup: timer.RunOnStartup);
            }
            if (parameter.GetCustomAttribute<QueueTriggerAttribute>() is { } queue)
            {
                return new FunctionDescriptor(function.Name, method.DeclaringType!, method, TriggerKind.Queue,
                    QueueName: queue.QueueName, Connection: queue.Connection ?? "AzureWebJobsStorage");
            }
        }
        throw new NotSupportedException($"Function {function.Name} has a trigger DevHost does not host.");
    }
}
