namespace Circly.Core.Sharing;

/// <summary>POST /v1/polls/{id}/share-card: format "story" or "link"; the circle's name only when showCircleName is true.</summary>
public sealed record ShareCardRequest(string? Format, bool? ShowCircleName);

/// <summary>
/// A short-lived, read-only URL of the card image (PNG). Reused is true when the card was already
/// stored and not drawn again.
/// </summary>
public sealed record ShareCardLink(string Url, DateTimeOffset ExpiresAt, string Format, int Width, int Height, string ContentType, bool Reused);
