namespace Circly.Core.RateLimiting;

/// <summary>A named limit: at most Limit hits per Window for one key.</summary>
public sealed record RateLimitPolicy(string Name, int Limit, TimeSpan Window);

/// <summary>The state of one key's window after a hit.</summary>
public sealed record RateLimitDecision(RateLimitPolicy Policy, int Hits, TimeSpan ResetAfter)
{
    public bool Allowed => Hits <= Policy.Limit;

    public int Remaining => Math.Max(0, Policy.Limit - Hits);

    public int ResetSeconds => Math.Max(1, (int)Math.Ceiling(ResetAfter.TotalSeconds));
}

/// <summary>Permits taken from a shared per-second budget; with none, when the next second starts.</summary>
public sealed record PermitGrant(int Granted, TimeSpan RetryAfter);
