using System.Net;
using System.Text.Json;

namespace Circly.DevHost;

/// <summary>
/// POST /admin/functions/{name} with {"input": "..."} runs a timer or queue function now, as the
/// Functions host's admin API does. Unlike the host, DevHost answers after the function finished
/// (202, or 500 with the failure), so scripts and tests can rely on its effects. Loopback only.
/// </summary>
public static class AdminEndpoints
{
    public static void Map(WebApplication app, IReadOnlyList<FunctionDescriptor> functions)
    {
        app.MapPost("/admin/functions/{name}", async (string name, HttpContext context) =>
        {
            if (context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
            {
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }
            var function = functions.FirstOrDefault(f => f.Trigger != TriggerKind.Http && string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
            if (function is null)
            {
                return Results.NotFound();
            }
            var input = await ReadInputAsync(context);
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
                return Results.StatusCode(StatusCodes.Status202Accepted);
            }
            catch (Exception exception)
            {
                var failure = exception.InnerException ?? exception;
                return Results.Problem(title: $"{function.Name} failed", detail: $"{failure.GetType().Name}: {failure.Message}");
            }
        });
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
