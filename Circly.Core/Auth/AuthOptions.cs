using System.ComponentModel.DataAnnotations;
using Circly.Core.Configuration;

namespace Circly.Core.Auth;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The token issuer (iss): the API's base URL.</summary>
    [Required]
    public string Issuer { get; set; } = "";

    /// <summary>The token audience (aud): the mobile app.</summary>
    [Required]
    public string Audience { get; set; } = "circly-app";

    /// <summary>RSA private key in PEM; signs new access tokens. Key Vault secret in Azure.</summary>
    [Required]
    [ResolvedSecret]
    public string SigningKeyPem { get; set; } = "";

    /// <summary>The key before the last rotation: still accepted for validation, never used to sign. Blank = none.</summary>
    [ResolvedSecret]
    public string? PreviousSigningKeyPem { get; set; }

    /// <summary>HMAC key for device ids and device secrets, so the database holds only keyed hashes.</summary>
    [Required]
    [MinLength(32)]
    [ResolvedSecret]
    public string DeviceIdPepper { get; set; } = "";

    /// <summary>
    /// Short: an access token cannot be revoked, so a stolen or banned one must die soon.
    /// The app refreshes silently; the seed's 7 days would let a banned device keep going for a week.
    /// </summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A refresh token unused this long expires; each use starts a new period (rotation).</summary>
    public TimeSpan RefreshTokenIdleLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a transfer code (new phone for an old account) can be redeemed. Short: it is on a
    /// screen and may be seen; the entropy argument in docs/API.md assumes at most an hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan TransferCodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Allowed clock difference between this app and the token's issuer (ours, on other instances).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
