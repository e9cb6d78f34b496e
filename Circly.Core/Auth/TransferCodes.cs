using System.Security.Cryptography;

namespace Circly.Core.Auth;

/// <summary>
/// Transfer codes: 12 characters from 25 that cannot be mistaken for one another when read off
/// one screen and typed into another (no 0/O, 1/I/L, 2/Z, 5/S, 8/B), drawn with a CSPRNG and
/// shown in three groups of four. 25^12 ≈ 6 × 10^16 codes (about 56 bits); why that is enough
/// for a 10-minute code under the redemption rate limit: docs/API.md.
/// </summary>
public static class TransferCodes
{
    public const string Alphabet = "ACDEFGHJKMNPQRTUVWXY34679";
    public const int Length = 12;

    /// <summary>A new code in its canonical form (upper-case, no separators).</summary>
    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>How the old phone shows it: ABCD-EFGH-JKMN.</summary>
    public static string Display(string code) => string.Join('-', code.Chunk(4).Select(group => new string(group)));

    /// <summary>The canonical form of what was typed (any case, spaces and dashes ignored), or null when it cannot be a code.</summary>
    public static string? Normalize(string typed)
    {
        if (typed.Length > 64)
        {
            return null;
        }
        var code = string.Concat(typed.Where(c => !char.IsWhiteSpace(c) && c is not ('-' or '‐' or '–' or '—'))).ToUpperInvariant();
        return code.Length == Length && code.All(c => Alphabet.Contains(c, StringComparison.Ordinal)) ? code : null;
    }
}
