using System.ComponentModel;
using Microsoft.AspNetCore.Routing.Constraints;

namespace Circly.DevHost;

/// <summary>
/// Dispatches HTTP requests the way the Functions host does (WebScriptHostHttpRoutesManager):
/// one ASP.NET Core <see cref="Route"/> per HTTP function, with an <c>httpMethod</c> constraint
/// when the trigger lists methods, tried in the order of the function names
/// (OrdinalIgnoreCase); the first template that matches wins. There is no route precedence, no
/// implicit HEAD for GET and no 405: a request no function's methods allow falls through to
/// the next match, as it does under the host. Like the host, a function whose trigger is not
/// AuthorizationLevel.Anonymous answers 401 without the key its level needs (<see cref="FunctionKeys"/>).
/// </summary>
public sealed class HttpTriggerRouter
{
    private readonly RouteCollection _routes = new();
    private readonly FunctionKeys _keys;

    public HttpTriggerRouter(IEnumerable<FunctionDescriptor> functions, string routePrefix, IInlineConstraintResolver constraintResolver, FunctionKeys keys)
    {
        _keys = keys;
        Functions = InHostOrder(functions);
        foreach (var function in Functions)
        {
            var constraints = new Dictionary<string, object>();
            if (function.HttpMethods is { Count: > 0 } methods)
            {
                constraints.Add("httpMethod", new HttpMethodRouteConstraint([.. methods]));
            }
            var template = string.IsNullOrEmpty(routePrefix) ? function.Route! : $"{routePrefix.Trim('/')}/{function.Route}";
            _routes.Add(new Route(new FunctionTarget(function), function.Name, template, defaults: null, constraints, dataTokens: null, constraintResolver));
        }
    }

    /// <summary>The HTTP functions in the order the host tries them.</summary>
    public IReadOnlyList<FunctionDescriptor> Functions { get; }

    public static IReadOnlyList<FunctionDescriptor> InHostOrder(IEnumerable<FunctionDescriptor> functions) =>
        [.. functions.Where(f => f.Trigger == TriggerKind.Http).OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase)];

    /// <summary>The function the host would invoke for this request, with its route values; null when none matches.</summary>
    public async Task<(FunctionDescriptor Function, RouteValueDictionary Values)?> MatchAsync(HttpContext context)
    {
        var routeContext = new RouteContext(context);
        await _routes.RouteAsync(routeContext);
        return routeContext.Handler is null
            ? null
            : (routeContext.RouteData.DataTokens["function"] as FunctionDescriptor ?? throw new InvalidOperationException("Route without a function."), routeContext.RouteData.Values);
    }

    /// <summary>The middleware: invokes the matched function; a request nothing matches gets the host's bare 404.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var match = await MatchAsync(context);
        if (match is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var (function, values) = match.Value;
        if (!_keys.Allows(function.AuthLevel, context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        context.Request.RouteValues = values;
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

    /// <summary>The route's target: marks the match and names the function, as the host's route handler does.</summary>
    private sealed class FunctionTarget(FunctionDescriptor function) : IRouter
    {
        public VirtualPathData? GetVirtualPath(VirtualPathContext context) => null;

        public Task RouteAsync(RouteContext context)
        {
            context.RouteData.DataTokens["function"] = function;
            context.Handler = _ => Task.CompletedTask;
            return Task.CompletedTask;
        }
    }
}
