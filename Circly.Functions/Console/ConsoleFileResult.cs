using Circly.Functions.Http;

namespace Circly.Functions.Console;

/// <summary>One console file with the common headers and the console's Content-Security-Policy.</summary>
public sealed class ConsoleFileResult(string contentType, byte[] bytes) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        ResponseHeaders.ApplyTo(httpContext, ConsoleAssets.ContentSecurityPolicy);
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }
}
