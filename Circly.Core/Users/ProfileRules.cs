using System.Text.RegularExpressions;
using Circly.Core.Errors;

namespace Circly.Core.Users;

/// <summary>Validation of the profile fields a client sends.</summary>
public static partial class ProfileRules
{
    public static readonly IReadOnlySet<string> Platforms = new HashSet<string>(StringComparer.Ordinal) { "ios", "android", "web" };

    public static string Platform(string? value, string field = "platform")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Fail.Required(field);
        }
        var platform = value.Trim().ToLowerInvariant();
        return Platforms.Contains(platform) ? platform : throw Fail.InvalidFormat(field, "must be one of ios, android, web.");
    }

    public static string? AppVersion(string? value) =>
        value is null ? null : VersionPattern().IsMatch(value) ? value : throw Fail.InvalidFormat("appVersion", "must look like 1.2.3 (at most 32 characters).");

    public static string? Locale(string? value) =>
        value is null ? null : LocalePattern().IsMatch(value) ? value : throw Fail.InvalidFormat("locale", "must be a BCP 47 tag such as en-US.");

    public static string? TimeZone(string? value) =>
        value is null ? null
        : IsIanaTimeZone(value) ? value
        : throw Fail.InvalidFormat("timeZone", "must be an IANA time zone such as Europe/Berlin.");

    /// <summary>
    /// An IANA zone id the system knows. TryFindSystemTimeZoneById alone also takes Windows names
    /// ("Pacific Standard Time") and tzdata's pseudo-zones ("localtime", "Factory"); ICU's IANA
    /// to Windows mapping knows only real IANA zones.
    /// </summary>
    public static bool IsIanaTimeZone(string value) =>
        value.Length <= 64
        && TimeZoneInfo.TryFindSystemTimeZoneById(value, out var zone) && zone.HasIanaId
        && TimeZoneInfo.TryConvertIanaIdToWindowsId(value, out _);

    // \z, not $: .NET's $ also matches before a final newline, which would then be stored.
    [GeneratedRegex(@"^[0-9]{1,4}(\.[0-9]{1,4}){0,3}([-+][A-Za-z0-9.]{1,12})?\z")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}\z")]
    private static partial Regex LocalePattern();
}
