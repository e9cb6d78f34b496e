using System.Text.Json;

namespace Circly.Functions.Http;

/// <summary>Writes the envelope with the common headers. Executed the same way by both hosts.</summary>
internal sealed class EnvelopeResult(int statusCode, Envelope? envelope, IReadOnlyDictionary<string, string>? headers = null) : IResult
{
    public int StatusCode => statusCode;

    public Envelope? Body => envelope;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        ResponseHeaders.ApplyTo(httpContext);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            response.Headers[name] = value;
        }
        if (envelope is null)
        {
            return;
        }
        response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, envelope, Json.Options, httpContext.RequestAborted);
    }
}
