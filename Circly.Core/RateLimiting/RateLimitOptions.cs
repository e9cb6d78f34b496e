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
    /// Attempts to join a circle per user per hour, successful or not. Invite codes are short
    /// enough to read aloud, so guessing them must stay hopeless: see docs/API.md.
    /// </summary>
    public int JoinAttemptsPerUserPerHour { get; set; } = 20;

    /// <summary>
    /// Attempts to join a circle (and views of the invite page, which also tell whether a code
    /// exists) per client IP per hour; higher than per user because a school shares one address.
    /// </summary>
    public int JoinAttemptsPerIpPerHour { get; set; } = 60;

    /// <summary>Transfer codes a signed-in user may ask for per hour (each replaces the one before).</summary>
    public int TransferCodesPerUserPerHour { get; set; } = 5;

    /// <summary>
    /// Attempts to redeem a transfer code per client IP per hour, right or wrong: what keeps the
    /// 12-character codes out of reach of guessing (see docs/API.md).
    /// </summary>
    public int TransferAttemptsPerIpPerHour { get; set; } = 20;

    /// <summary>Share cards per user per hour: drawing one costs CPU, asking again for a stored one does not, both count.</summary>
    public int ShareCardsPerUserPerHour { get; set; } = 30;

    /// <summary>
    /// Take the client address from X-Forwarded-For (its last entry, added by Azure's front end).
    /// Only behind a proxy that sets it; otherwise clients could pick their own address.
    /// </summary>
    public bool TrustForwardedFor { get; set; }
}
