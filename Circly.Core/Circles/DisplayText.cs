using System.Globalization;
using System.Text;

namespace Circly.Core.Circles;

/// <summary>
/// Unicode handling for the names people give circles and themselves: normalization, whitespace,
/// length in code points (as PostgreSQL's char_length counts), and which characters may appear.
/// </summary>
internal static class DisplayText
{
    private const int ZeroWidthJoiner = 0x200D;
    private const int Keycap = 0x20E3;
    private const int MaxMarksInARow = 3;

    /// <summary>Characters that are letters or symbols on paper but show as nothing: the usual blank-name tricks.</summary>
    private static readonly HashSet<int> InvisibleFillers = [0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x16FE4];

    /// <summary>
    /// Normalizes (NFC or NFKC), turns every run of whitespace into one space and trims.
    /// Null when the text is not valid UTF-16 (a lone surrogate).
    /// </summary>
    public static string? Clean(string value, NormalizationForm form)
    {
        string normalized;
        try
        {
            normalized = value.Normalize(form);
        }
        catch (ArgumentException)
        {
            return null;
        }
        var clean = new StringBuilder(normalized.Length);
        var pendingSpace = false;
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                pendingSpace = clean.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                clean.Append(' ');
                pendingSpace = false;
            }
            clean.Append(rune.ToString());
        }
        return clean.ToString();
    }

    public static int Length(string value) => value.EnumerateRunes().Count();

    /// <summary>
    /// Nicknames: letters (with their combining marks), digits, single spaces, and emoji —
    /// symbols, with the joiners, variation selectors, skin tones and keycaps emoji sequences
    /// are made of, only where an emoji sequence needs them.
    /// </summary>
    public static bool IsNicknameText(string value) => AllAllowed(value, allowPunctuation: false);

    /// <summary>Circle names: as nicknames, plus punctuation and other symbols ("Class 7B's crew!").</summary>
    public static bool IsNameText(string value) => AllAllowed(value, allowPunctuation: true);

    private static bool AllAllowed(string value, bool allowPunctuation)
    {
        var runes = value.EnumerateRunes().ToArray();
        var marksInARow = 0;
        for (var i = 0; i < runes.Length; i++)
        {
            var rune = runes[i];
            var previous = i > 0 ? runes[i - 1] : (Rune?)null;
            var next = i + 1 < runes.Length ? runes[i + 1] : (Rune?)null;
            var category = Rune.GetUnicodeCategory(rune);
            marksInARow = category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark ? marksInARow + 1 : 0;
            if (InvisibleFillers.Contains(rune.Value))
            {
                return false;
            }
            var allowed = category switch
            {
                UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                    or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
                UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
                UnicodeCategory.SpaceSeparator => rune.Value == ' ',
                UnicodeCategory.OtherSymbol => true,
                // Accents and vowel signs belong to the letter before them (Hindi, Thai, Arabic names); a few at most.
                UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark =>
                    IsVariationSelector(rune) ? previous is { } p && (IsEmojiPart(p) || Rune.IsDigit(p)) : previous is { } b && IsLetterOrMark(b) && marksInARow <= MaxMarksInARow,
                UnicodeCategory.EnclosingMark => rune.Value == Keycap && previous is { } k && (k.Value == 0xFE0F || Rune.IsDigit(k)),
                UnicodeCategory.ModifierSymbol => IsSkinTone(rune) ? previous is { } s && Rune.GetUnicodeCategory(s) == UnicodeCategory.OtherSymbol : allowPunctuation,
                UnicodeCategory.Format => rune.Value == ZeroWidthJoiner && previous is { } before && IsEmojiPart(before)
                    && next is { } after && Rune.GetUnicodeCategory(after) == UnicodeCategory.OtherSymbol,
                UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                    or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
                    or UnicodeCategory.OtherPunctuation or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol => allowPunctuation,
                // Control, private use, unassigned, surrogates, line and paragraph separators.
                _ => false,
            };
            if (!allowed)
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsLetterOrMark(Rune rune) =>
        Rune.IsLetter(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    // U+FE0E text style, U+FE0F emoji style
    private static bool IsVariationSelector(Rune rune) => rune.Value is 0xFE0E or 0xFE0F;

    private static bool IsSkinTone(Rune rune) => rune.Value is >= 0x1F3FB and <= 0x1F3FF;

    private static bool IsEmojiPart(Rune rune) =>
        Rune.GetUnicodeCategory(rune) == UnicodeCategory.OtherSymbol || IsVariationSelector(rune) || IsSkinTone(rune) || rune.Value == Keycap;
}
