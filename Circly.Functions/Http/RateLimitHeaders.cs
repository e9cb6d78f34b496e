using Circly.Core.RateLimiting;

namespace Circly.Functions.Http;

/// <summary>RateLimit-Policy / RateLimit (IETF httpapi draft) and Retry-After from a limiter decision.</summary>
public static class RateLimitHeaders
{
    private const string ItemKey = "circly.ratelimit";

    public static void Remember(HttpContext context, RateLimitDecision decision) => context.Items[ItemKey] = decision;

    public static void ApplyTo(HttpContext context)
    {
        if (context.Items[ItemKey] is not RateLimitDecision decision)
        {
            return;
        }
        var headers = context.Response.Headers;
        var policy = decision.Policy;
        headers["RateLimit-Policy"] = $"\"{policy.Name}\";q={policy.Limit};w={(int)policy.Window.TotalSeconds}";
        headers["RateLimit"] = $"\"{policy.Name}\";r={decision.Remaining};t={decision.ResetSeconds}";
        if (!decision.Allowed)
        {
            headers.RetryAfter = decision.ResetSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
