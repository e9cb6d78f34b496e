using Circly.Core.Auth;
using Circly.Core.RateLimiting;

namespace Circly.Core.Maintenance;

public sealed record CleanupReport(int RateLimitWindows, int RefreshTokens);

/// <summary>The daily housekeeping: drops data that no longer serves any purpose.</summary>
public sealed class CleanupService
{
    private readonly RateLimiter _rateLimiter;
    private readonly RefreshTokenRepository _refreshTokens;

    internal CleanupService(RateLimiter rateLimiter, RefreshTokenRepository refreshTokens)
    {
        _rateLimiter = rateLimiter;
        _refreshTokens = refreshTokens;
    }

    public async Task<CleanupReport> RunAsync(CancellationToken cancellationToken) =>
        new(await _rateLimiter.DeleteEndedWindowsAsync(cancellationToken), await _refreshTokens.DeleteStaleAsync(cancellationToken));
}
