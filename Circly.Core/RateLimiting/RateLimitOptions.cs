namespace Circly.Core.RateLimiting;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    /// <summary>Requests per minute per signed-in user (the seed's 100).</summary>
    public int UserPerMinute { get; set; } = 100;

    /// <summary>Requests per minute per client IP on endpoints without a user (login, refresh).</summary>
    public int IpPerMinute { get; set; } = 100;

    /// <summary>New accounts per client IP per hour: registering is cheap to abuse, so stricter.</summary>
    public int RegistrationsPerIpPerHour { get; set; } = 10;

    /// <summary>
    /// Take the client address from X-Forwarded-For (its last entry, added by Azure's front end).
    /// Only behind a proxy that sets it; otherwise clients could pick their own address.
    /// </summary>
    public bool TrustForwardedFor { get; set; }
}
