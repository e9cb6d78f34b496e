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
/// <param name="Granted">Permits taken (0: none left in this second, or its closing margin).</param>
/// <param name="RetryAfter">With nothing granted, when the next second starts.</param>
/// <param name="OpenFor">With permits, how long after the database took them their second still starts work
/// (until its margin): work started later could land in the next second, whose budget is others'.</param>
public sealed record PermitGrant(int Granted, TimeSpan RetryAfter, TimeSpan OpenFor);
