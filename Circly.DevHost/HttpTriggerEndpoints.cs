using System.ComponentModel;

namespace Circly.DevHost;

/// <summary>Maps each HTTP function at its own route and methods, under host.json's route prefix.</summary>
public static class HttpTriggerEndpoints
{
    public static void Map(WebApplication app, IEnumerable<FunctionDescriptor> functions, string routePrefix)
    {
        foreach (var function in functions.Where(f => f.Trigger == TriggerKind.Http))
        {
            var route = string.IsNullOrEmpty(routePrefix) ? function.Route! : $"{routePrefix.Trim('/')}/{function.Route}";
            var endpoint = function.HttpMethods is { Count: > 0 } methods
                ? app.MapMethods(route, methods, (HttpContext context) => InvokeAsync(function, context))
                : app.Map(route, (HttpContext context) => InvokeAsync(function, context));
            endpoint.WithName(function.Name).WithMetadata(function);
        }
    }

    private static async Task InvokeAsync(FunctionDescriptor function, HttpContext context)
    {
        var result = await FunctionInvoker.InvokeAsync(function, context.RequestServices, (type, name) => Bind(function, context, type, name));
        switch (result)
        {
            case IResult httpResult:
                await httpResult.ExecuteAsync(context);
                break;
            case null:
                break;
            default:
                throw new NotSupportedException($"{function.Name} returned {result.GetType().Name}; HTTP functions return IResult.");
        }
    }

    private static object? Bind(FunctionDescriptor function, HttpContext context, Type type, string name)
    {
        if (type == typeof(HttpRequest))
        {
            return context.Request;
        }
        if (type == typeof(CancellationToken))
        {
            return context.RequestAborted;
        }
        if (context.Request.RouteValues.TryGetValue(name, out var value))
        {
            return value is null || type.IsInstanceOfType(value) ? value : TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value.ToString()!);
        }
        throw FunctionInvoker.Unsupported(function, type, name);
    }
}
