using System.Globalization;
using System.Text;

namespace Circly.Core.Circles;

/// <summary>
/// The confusable skeleton of a nickname (after Unicode UTS #39, section 4), for uniqueness within
/// a circle: two nicknames with the same skeleton look alike on a phone screen, so only one may be
/// in use. Stricter than UTS #39 in three ways, on purpose: the comparison ignores case (as the
/// uniqueness rule always did), accents (Ánna poses as Anna), and folds i, l, 1 and | together (in
/// the app's sans-serif font a capital I and a small l are the same stroke).
/// The table is a compact, embedded subset of Unicode's confusables.txt: the Cyrillic and Greek
/// letters that look like Latin ones, the fullwidth and mathematical forms NFKC already folds, and
/// the common digit and symbol look-alikes, plus the two-letter ligature look-alikes rn → m and vv → w.
/// Other scripts keep their letters; a look-alike between, say, Armenian and Latin is not caught.
/// </summary>
public static class Confusables
{
    private static readonly Dictionary<char, char> ToLatin = new()
    {
        // Digits and symbols
        ['0'] = 'o', ['1'] = 'l', ['|'] = 'l', ['!'] = 'l', ['5'] = 's', ['8'] = 'b', ['@'] = 'a', ['$'] = 's',
        // Latin letters that read as another Latin letter
        ['i'] = 'l', ['ı'] = 'l', ['ł'] = 'l', ['ø'] = 'o', ['đ'] = 'd', ['ħ'] = 'h', ['ƅ'] = 'b', ['ɡ'] = 'g', ['ꞵ'] = 'b',
        // Cyrillic (lower case; text is lower-cased first)
        ['а'] = 'a', ['в'] = 'b', ['е'] = 'e', ['ё'] = 'e', ['һ'] = 'h', ['і'] = 'l', ['ї'] = 'l', ['ј'] = 'j', ['к'] = 'k',
        ['м'] = 'm', ['н'] = 'h', ['о'] = 'o', ['р'] = 'p', ['с'] = 'c', ['т'] = 't', ['у'] = 'y', ['х'] = 'x', ['ѕ'] = 's',
        ['ԁ'] = 'd', ['ԛ'] = 'q', ['ԝ'] = 'w', ['ӏ'] = 'l', ['ь'] = 'b', ['ү'] = 'y', ['ɩ'] = 'l', ['ѵ'] = 'v', ['ө'] = 'o',
        // Greek
        ['α'] = 'a', ['β'] = 'b', ['γ'] = 'y', ['ε'] = 'e', ['ζ'] = 'z', ['η'] = 'n', ['ι'] = 'l', ['κ'] = 'k', ['μ'] = 'u',
        ['ν'] = 'v', ['ο'] = 'o', ['ρ'] = 'p', ['σ'] = 'o', ['τ'] = 't', ['υ'] = 'u', ['χ'] = 'x', ['ω'] = 'w', ['ϲ'] = 'c',
        ['ϳ'] = 'j', ['ς'] = 's',
    };

    private static readonly (string From, string To)[] Sequences = [("rn", "m"), ("vv", "w")];

    /// <summary>The skeleton: NFKC, lower case, accents dropped, look-alikes mapped to the Latin letter they imitate.</summary>
    public static string Skeleton(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var mapped = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (rune.IsBmp && ToLatin.TryGetValue((char)rune.Value, out var latin))
            {
                mapped.Append(latin);
            }
            else
            {
                mapped.Append(rune.ToString());
            }
        }
        var skeleton = mapped.ToString();
        foreach (var (from, to) in Sequences)
        {
            skeleton = skeleton.Replace(from, to, StringComparison.Ordinal);
        }
        return skeleton.Normalize(NormalizationForm.FormC);
    }
}
