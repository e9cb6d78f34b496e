namespace Circly.Functions.Http;

/// <summary>Headers every response carries, under the Functions host and DevHost alike.</summary>
public static class ResponseHeaders
{
    public const string ApiVersionHeader = "X-API-Version";
    public const string ApiVersion = "1.0.0";

    private const string ApiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

    public static void ApplyTo(HttpContext context, string contentSecurityPolicy = ApiContentSecurityPolicy)
    {
        var headers = context.Response.Headers;
        headers[RequestId.Header] = RequestId.For(context);
        headers[ApiVersionHeader] = ApiVersion;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = contentSecurityPolicy;
        RateLimitHeaders.ApplyTo(context);
    }
}
