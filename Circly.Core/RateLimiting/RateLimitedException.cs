using Circly.Core.Errors;

namespace Circly.Core.RateLimiting;

/// <summary>RATE_LIMIT_EXCEEDED, carrying the decision so the HTTP layer can say when to retry.</summary>
public sealed class RateLimitedException(RateLimitDecision decision)
    : CirclyException(ErrorCodes.RateLimitExceeded, $"Too many requests. Try again in {decision.ResetSeconds} seconds.")
{
    public RateLimitDecision Decision { get; } = decision;
}
