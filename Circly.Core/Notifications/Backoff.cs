namespace Circly.Core.Notifications;

/// <summary>Exponential back-off with jitter; a server's Retry-After wins when it asks for longer.</summary>
internal static class Backoff
{
    public static TimeSpan Delay(int failures, TimeSpan baseDelay, TimeSpan? retryAfter)
    {
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, failures - 1));
        var jittered = TimeSpan.FromMilliseconds(exponential * (0.5 + Random.Shared.NextDouble()));
        return retryAfter is { } wait && wait > jittered ? wait : jittered;
    }
}

/// <summary>Expo kept failing (429, 5xx, unreachable): the queue message goes back to be retried later.</summary>
public sealed class ExpoUnavailableException(string message) : Exception(message);
