namespace Circly.Core.Admin;

/// <summary>
/// Admin sign-in: Microsoft Entra ID access tokens for this API's app registration, carrying the
/// app roles "moderator" or "admin". Locally, the authority is the issuer tool in tools/ (docs/SAFETY.md).
/// </summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>
    /// The token authority: https://login.microsoftonline.com/{tenant}/v2.0 in Azure. Its OpenID
    /// Connect metadata and signing keys are fetched from {Authority}/.well-known/openid-configuration.
    /// Blank: admin sign-in is off and every admin route refuses.
    /// </summary>
    public string Authority { get; set; } = "";

    /// <summary>The audience (aud) of admin tokens: the app registration's client id. Must differ from Auth__Audience.</summary>
    public string Audience { get; set; } = "";
}
