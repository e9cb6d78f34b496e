using System.ComponentModel.DataAnnotations;
using Circly.Core.Configuration;

namespace Circly.Core.Notifications;

/// <summary>Expo's push API and how Circly paces and retries calls to it.</summary>
public sealed class ExpoOptions
{
    public const string Section = "Expo";

    /// <summary>Expo's push service; tests point it at a local Expo-compatible server.</summary>
    [Required]
    [Url]
    public string BaseUrl { get; set; } = "https://exp.host";

    /// <summary>Expo access token ("enhanced push security"). Blank (a single space in Key Vault) = none: no header is sent.</summary>
    [ResolvedSecret]
    public string? AccessToken { get; set; }

    /// <summary>
    /// Notifications per second for the whole app, across every instance (Expo allows 600 per project).
    /// 0 turns pacing off (the benchmark measures raw capacity that way).
    /// </summary>
    [Range(0, 100_000)]
    public int MaxPerSecond { get; set; } = 600;

    /// <summary>
    /// The end of every second in which no request starts, so that a request's latency cannot carry
    /// it into Expo's next second and make that second exceed MaxPerSecond.
    /// </summary>
    public TimeSpan PacingMargin { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Calls per queue message (or receipt chunk) before giving the message back to the queue.</summary>
    [Range(1, 10)]
    public int SendAttempts { get; set; } = 3;

    /// <summary>First back-off after a 429 or 5xx; doubles each attempt, with jitter. Retry-After wins when longer.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A Retry-After longer than this is not waited for in process: the message goes back to the queue.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A call that has not answered by then has an unknown outcome and is not repeated (at most once per device).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Concurrent calls to Expo per instance; Expo asks for a few connections, not hundreds.</summary>
    [Range(1, 64)]
    public int MaxConcurrentRequests { get; set; } = 6;

    /// <summary>Receipts are asked for once a ticket is this old (Expo: receipts are ready within ~15 minutes).</summary>
    public TimeSpan ReceiptDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Expo keeps receipts for about a day; a ticket whose receipt never came is dropped after this.</summary>
    public TimeSpan ReceiptExpiry { get; set; } = TimeSpan.FromHours(24);
}
