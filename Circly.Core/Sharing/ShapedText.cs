using System.Globalization;
using System.Text;
using SkiaSharp;

namespace Circly.Core.Sharing;

/// <summary>Glyphs of one font, shaped once at <see cref="ShapedText.ReferenceSize"/> and scaled to any size.</summary>
internal sealed record ShapedRun(CardTypeface Face, ushort[] Glyphs, SKPoint[] Positions, float Width);

/// <summary>Text between two spaces: its runs in visual order (left to right) and its direction.</summary>
internal sealed record ShapedWord(string Text, IReadOnlyList<ShapedRun> Runs, TextDirection Direction)
{
    public float Width { get; } = Runs.Sum(r => r.Width);
}

internal enum TextDirection
{
    Neutral,
    LeftToRight,
    RightToLeft,
}

/// <summary>
/// Turns text into shaped words: each grapheme cluster goes to the bundled font that draws it
/// (emoji sequences to the emoji font, Arabic to Noto Sans Arabic, the rest to Noto Sans), runs
/// of one font are shaped with HarfBuzz, so Arabic letters join and emoji sequences ligate.
/// </summary>
internal static class ShapedText
{
    /// <summary>Shaping is linear in size without hinting: shape once, scale for every trial size.</summary>
    public const float ReferenceSize = 100;

    public static IReadOnlyList<ShapedWord> Words(string text, CardFonts fonts) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(word => Word(word, fonts)).ToList();

    public static ShapedWord Word(string word, CardFonts fonts)
    {
        var runs = new List<ShapedRun>();
        var pending = new StringBuilder();
        CardTypeface? pendingFace = null;
        var clusters = StringInfo.GetTextElementEnumerator(word);
        while (clusters.MoveNext())
        {
            var cluster = clusters.GetTextElement();
            var face = FaceFor(cluster, fonts);
            if (pendingFace is not null && face != pendingFace)
            {
                runs.Add(Shape(pending.ToString(), pendingFace));
                pending.Clear();
            }
            pendingFace = face;
            pending.Append(cluster);
        }
        if (pendingFace is not null)
        {
            runs.Add(Shape(pending.ToString(), pendingFace));
        }
        var direction = DirectionOf(word);
        if (direction == TextDirection.RightToLeft)
        {
            runs.Reverse();
        }
        return new ShapedWord(word, runs, direction);
    }

    /// <summary>The direction of the first letter with one, as a paragraph's base direction.</summary>
    public static TextDirection DirectionOf(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsRightToLeft(rune))
            {
                return TextDirection.RightToLeft;
            }
            if (Rune.IsLetter(rune))
            {
                return TextDirection.LeftToRight;
            }
        }
        return TextDirection.Neutral;
    }

    private static ShapedRun Shape(string text, CardTypeface face)
    {
        using var font = CardFont(face, ReferenceSize);
        var shaped = face.Shape(text, font);
        return new ShapedRun(face, shaped.Codepoints.Select(g => (ushort)g).ToArray(), shaped.Points, shaped.Width);
    }

    public static SKFont CardFont(CardTypeface face, float size) =>
        new(face.Typeface, size) { Subpixel = true, Hinting = SKFontHinting.None, Edging = SKFontEdging.Antialias, LinearMetrics = true };

    private static CardTypeface FaceFor(string cluster, CardFonts fonts)
    {
        var first = Rune.GetRuneAt(cluster, 0);
        if (IsEmojiSequence(cluster, first) && fonts.Emoji.Has(first.Value))
        {
            return fonts.Emoji;
        }
        if (IsRightToLeft(first) && fonts.Arabic.Has(first.Value))
        {
            return fonts.Arabic;
        }
        if (fonts.Text.Has(first.Value))
        {
            return fonts.Text;
        }
        if (fonts.Arabic.Has(first.Value))
        {
            return fonts.Arabic;
        }
        // Older symbols (☀, ✨, ❤) come from the emoji font when no text font draws them; anything
        // else is drawn as Noto Sans's empty box: visible, measured, never clipped.
        return fonts.Emoji.Has(first.Value) ? fonts.Emoji : fonts.Text;
    }

    /// <summary>Pictographs, and anything asking for emoji style (U+FE0F), a ZWJ sequence or a keycap.</summary>
    private static bool IsEmojiSequence(string cluster, Rune first) =>
        !cluster.Contains('\uFE0E', StringComparison.Ordinal)
        && (first.Value >= 0x1F000 || cluster.Contains('\uFE0F', StringComparison.Ordinal) || cluster.Contains('\u200D', StringComparison.Ordinal)
            || cluster.Contains('\u20E3', StringComparison.Ordinal));

    private static bool IsRightToLeft(Rune rune) =>
        rune.Value is (>= 0x0590 and <= 0x08FF) or (>= 0xFB1D and <= 0xFDFF) or (>= 0xFE70 and <= 0xFEFF);
}
