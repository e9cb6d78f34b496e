using Circly.Core.Errors;

namespace Circly.Core.RateLimiting;

/// <summary>
/// RATE_LIMIT_EXCEEDED (or a more specific code, e.g. POLL_CREATION_LIMIT), carrying the decision
/// so the HTTP layer can say when to retry.
/// </summary>
public sealed class RateLimitedException(RateLimitDecision decision, string code = ErrorCodes.RateLimitExceeded, string? message = null)
    : CirclyException(code, message ?? $"Too many requests. Try again in {decision.ResetSeconds} seconds.")
{
    public RateLimitDecision Decision { get; } = decision;
}
