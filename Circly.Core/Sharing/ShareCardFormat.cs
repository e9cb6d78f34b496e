using Circly.Core.Errors;

namespace Circly.Core.Sharing;

/// <summary>The two card sizes: an Instagram/Snapchat story, and a link preview (Open Graph).</summary>
public enum ShareCardFormat
{
    Story,
    Link,
}

public static class ShareCardFormats
{
    public static (int Width, int Height) SizeOf(ShareCardFormat format) => format switch
    {
        ShareCardFormat.Story => (1080, 1920),
        ShareCardFormat.Link => (1200, 630),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static string NameOf(ShareCardFormat format) => format == ShareCardFormat.Story ? "story" : "link";

    /// <summary>"story" or "link" (any case); anything else is VALIDATION_INVALID_FORMAT, nothing VALIDATION_REQUIRED.</summary>
    public static ShareCardFormat Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => throw Fail.Required("format"),
        "story" => ShareCardFormat.Story,
        "link" => ShareCardFormat.Link,
        _ => throw Fail.InvalidFormat("format", "must be 'story' (1080x1920) or 'link' (1200x630)."),
    };
}
