using Circly.Functions.Http;

namespace Circly.Functions.OpenApi;

/// <summary>The document as it is (not in the envelope: tools read it as OpenAPI), with the common headers.</summary>
internal sealed class OpenApiDocumentResult(byte[] json) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        ResponseHeaders.ApplyTo(httpContext);
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = json.Length;
        await response.Body.WriteAsync(json, httpContext.RequestAborted);
    }
}
