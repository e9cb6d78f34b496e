using System.ComponentModel.DataAnnotations;

namespace Circly.Core;

/// <summary>Where the app lives for people outside it: invite links, the invite page, the stores.</summary>
public sealed class AppOptions
{
    public const string Section = "App";

    /// <summary>The public base URL of this API; invite web links are {PublicBaseUrl}/join/{code}.</summary>
    [Url]
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:7071";

    /// <summary>The App Store page of the iOS app, linked from the invite page.</summary>
    [Url]
    public string IosStoreUrl { get; set; } = "https://apps.apple.com/app/circly";

    /// <summary>The Google Play page of the Android app, linked from the invite page.</summary>
    [Url]
    public string AndroidStoreUrl { get; set; } = "https://play.google.com/store/apps/details?id=app.circly";

    /// <summary>
    /// The published safety contact (an e-mail address or an https URL), shown on the invite page
    /// and in GET /v1/users/me: where children and parents report what the app cannot (App Store guideline 1.2).
    /// </summary>
    [Required]
    public string SafetyContact { get; set; } = "safety@circly.app";
}
