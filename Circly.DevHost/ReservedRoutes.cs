using System.Net;
using System.Text.Json;

namespace Circly.DevHost;

/// <summary>
/// The paths the Functions host keeps for itself, handled before any function as the host does:
/// <c>/admin/*</c> and <c>/runtime/*</c> never reach a function. Of the host's admin API, DevHost
/// offers <c>POST /admin/functions/{name}</c> (run a timer or queue function now), and like the
/// host it demands the master key (<c>x-functions-key</c> header or <c>code</c> query) or answers
/// 401. Every other reserved path is a bare 404. Unlike the host, DevHost answers after the
/// function finished (202, or 500 with the failure), so scripts and tests can rely on its effects.
/// </summary>
public sealed class ReservedRoutes(IReadOnlyList<FunctionDescriptor> functions, FunctionKeys keys)
{

    private static readonly PathString Admin = new("/admin");
    private static readonly PathString Runtime = new("/runtime");
    private static readonly PathString AdminFunctions = new("/admin/functions");

    public static bool IsReserved(PathString path) =>
        path.StartsWithSegments(Admin, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(Runtime, StringComparison.OrdinalIgnoreCase);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!IsReserved(context.Request.Path))
        {
            await next(context);
            return;
        }
        if (!HttpMethods.IsPost(context.Request.Method)
            || !context.Request.Path.StartsWithSegments(AdminFunctions, StringComparison.OrdinalIgnoreCase, out var rest)
            || rest.Value is not { Length: > 1 } name || name.IndexOf('/', 1) >= 0)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!keys.HasMasterKey(context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        await RunFunctionAsync(context, name[1..]);
    }

    private async Task RunFunctionAsync(HttpContext context, string name)
    {
        var function = functions.FirstOrDefault(f => f.Trigger != TriggerKind.Http && string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
        if (function is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var input = await ReadInputAsync(context);
        IResult result;
        try
        {
            if (function.Trigger == TriggerKind.Timer)
            {
                await FunctionInvoker.InvokeTimerAsync(function, context.RequestServices, context.RequestAborted);
            }
            else
            {
                await FunctionInvoker.InvokeQueueAsync(function, context.RequestServices, input ?? "", null, context.RequestAborted);
            }
            result = Results.StatusCode((int)HttpStatusCode.Accepted);
        }
        catch (Exception exception)
        {
            var failure = exception.InnerException ?? exception;
            result = Results.Problem(title: $"{function.Name} failed", detail: $"{failure.GetType().Name}: {failure.Message}");
        }
        await result.ExecuteAsync(context);
    }

    private static async Task<string?> ReadInputAsync(HttpContext context)
    {
        if (context.Request.ContentLength is null or 0 && !context.Request.Headers.TransferEncoding.Any())
        {
            return null;
        }
        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        return document.RootElement.TryGetProperty("input", out var input) ? input.GetString() : null;
    }
}
