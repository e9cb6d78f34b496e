using Circly.Core.RateLimiting;
using Microsoft.Extensions.Options;

namespace Circly.Functions.Http;

/// <summary>The caller's IP address, for per-IP limits.</summary>
public sealed class ClientAddress(IOptions<RateLimitOptions> options)
{
    public string Of(HttpRequest request)
    {
        if (options.Value.TrustForwardedFor)
        {
            // The last entry is the one our own front end appended; earlier ones are the client's word.
            var forwarded = request.Headers["X-Forwarded-For"].ToString();
            var last = forwarded.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
            if (!string.IsNullOrEmpty(last))
            {
                return last;
            }
        }
        return request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}
