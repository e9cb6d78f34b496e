using System.Text;

namespace Circly.Functions.Http;

/// <summary>
/// An HTML page with the common headers and its own Content-Security-Policy: for the few
/// endpoints people open in a browser rather than the app calling them.
/// </summary>
public sealed class HtmlResult(int statusCode, string html, string contentSecurityPolicy, IReadOnlyDictionary<string, string>? headers = null) : IResult
{
    /// <summary>Inline styles and nothing else: no scripts, no external assets, no framing, no forms.</summary>
    public const string InlineStylesOnly = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public int StatusCode => statusCode;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        ResponseHeaders.ApplyTo(httpContext, contentSecurityPolicy);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            response.Headers[name] = value;
        }
        response.ContentType = "text/html; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(html);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }
}
