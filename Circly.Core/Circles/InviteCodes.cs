using System.Security.Cryptography;
using System.Text;

namespace Circly.Core.Circles;

/// <summary>
/// Invite codes and invite link ids. A code is 8 characters from 25 that cannot be mistaken for
/// one another when read aloud or copied from a screen (no 0/O, 1/I/L, 2/Z, 5/S, 8/B): 25^8 ≈
/// 1.5 × 10^11 codes, drawn with a CSPRNG. Codes are stored upper-case; people may type them in
/// any case, with spaces or dashes. A link id is 24 URL-safe characters (144 random bits).
/// </summary>
public static class InviteCodes
{
    public const string Alphabet = "ACDEFGHJKMNPQRTUVWXY34679";
    public const int Length = 8;
    public const int LinkIdLength = 24;

    private const string LinkIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public static string NewCode() => RandomNumberGenerator.GetString(Alphabet, Length);

    public static string NewLinkId() => RandomNumberGenerator.GetString(LinkIdAlphabet, LinkIdLength);

    /// <summary>The canonical form of what someone typed, or null when it cannot be a code.</summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null || typed.Length > 64)
        {
            return null;
        }
        var code = new StringBuilder(Length);
        foreach (var c in typed)
        {
            if (char.IsWhiteSpace(c) || c is '-' or '‐' or '–' or '—')
            {
                continue;
            }
            var upper = char.ToUpperInvariant(c);
            if (!Alphabet.Contains(upper, StringComparison.Ordinal) || code.Length == Length)
            {
                return null;
            }
            code.Append(upper);
        }
        return code.Length == Length ? code.ToString() : null;
    }

    /// <summary>A link id as it may appear in a URL, or null.</summary>
    public static string? NormalizeLinkId(string? linkId) =>
        linkId is { Length: >= 16 and <= 64 } && linkId.All(c => LinkIdAlphabet.Contains(c, StringComparison.Ordinal)) ? linkId : null;

    /// <summary>The deep link that opens the app on the join screen.</summary>
    public static string AppUrl(string code) => "circly://join/" + code;
}
