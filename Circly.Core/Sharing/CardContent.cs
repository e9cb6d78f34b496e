using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Circly.Core.Sharing;

/// <summary>
/// Everything a card shows, and nothing else: the viewer's own count, the question, their own
/// nickname, the circle's name only when they chose to show it, the app's name and store link.
/// No other member, no other count, no invite code or link, no ids.
/// </summary>
internal sealed record CardContent(ShareCardFormat Format, string Headline, string Question, string Nickname, string? CircleLine, string AppName, string Footer)
{
    /// <summary>Bump when the drawing changes, so stored cards are drawn anew.</summary>
    public const int LayoutVersion = 1;

    public const string AppDisplayName = "Circly";

    public static CardContent For(ShareCardFormat format, int votes, string question, string nickname, string? circleName, string storeLink) => new(
        format,
        votes == 1 ? "1 friend picked me for" : string.Create(CultureInfo.InvariantCulture, $"{votes} friends picked me for"),
        $"“{question}”",
        nickname,
        circleName is null ? null : $"in {circleName}",
        AppDisplayName,
        $"Get {AppDisplayName}: {storeLink}");

    /// <summary>
    /// The blob name: a hash of what is drawn and whose card it is (so deleting one person's card
    /// never deletes another's), and of the layout version. The same request finds the same blob.
    /// </summary>
    public string BlobName(Guid pollId, Guid userId)
    {
        var text = string.Join('\n', LayoutVersion.ToString(CultureInfo.InvariantCulture), ShareCardFormats.NameOf(Format),
            pollId.ToString("N"), userId.ToString("N"), Headline, Question, Nickname, CircleLine ?? "", AppName, Footer);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))) + ".png";
    }

    public IEnumerable<string> Texts => new[] { AppName, Headline, Question, Nickname, CircleLine, Footer }.OfType<string>();
}
