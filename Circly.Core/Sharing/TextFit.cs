using System.Globalization;

namespace Circly.Core.Sharing;

/// <summary>A line: its words in visual order (left to right) and its width at the reference size.</summary>
internal sealed record FittedLine(IReadOnlyList<ShapedWord> Words, float Width);

/// <summary>A text fitted into a box: the font size, the lines, and the line metrics at that size.</summary>
internal sealed record FittedText(float Size, IReadOnlyList<FittedLine> Lines, float Ascent, float LineHeight, float SpaceWidth)
{
    public float Scale => Size / ShapedText.ReferenceSize;

    public float Height => Lines.Count * LineHeight;

    public float WidestLine => Lines.Count == 0 ? 0 : Lines.Max(l => l.Width) * Scale;
}

/// <summary>
/// Wraps a text at spaces and shrinks it until it fits its box, so nothing is ever clipped: from
/// the largest size down to the smallest without breaking words, then (a 30-emoji nickname, a
/// very long word) breaking words between grapheme clusters and shrinking further if it must.
/// </summary>
internal static class TextFit
{
    private const float Step = 0.94f;
    private const float Floor = 6;

    public static FittedText Fit(string text, CardFonts fonts, float maxWidth, float maxHeight, float largest, float smallest)
    {
        var words = ShapedText.Words(text, fonts);
        var paragraph = ShapedText.DirectionOf(text) == TextDirection.RightToLeft ? TextDirection.RightToLeft : TextDirection.LeftToRight;
        var faces = words.SelectMany(w => w.Runs).Select(r => r.Face).Append(fonts.Text).Distinct().ToList();
        var ascent = faces.Max(f => f.Ascent) * ShapedText.ReferenceSize;
        var lineHeight = ascent + faces.Max(f => f.Descent) * ShapedText.ReferenceSize;
        var space = SpaceWidth(fonts);

        for (var size = largest; size >= smallest; size *= Step)
        {
            if (TryFit(words, paragraph, size, maxWidth, maxHeight, ascent, lineHeight, space) is { } fitted)
            {
                return fitted;
            }
        }
        var broken = words.SelectMany(w => Break(w, fonts, maxWidth / (smallest / ShapedText.ReferenceSize))).ToList();
        for (var size = smallest; ; size *= Step)
        {
            var pieces = size < smallest ? words.SelectMany(w => Break(w, fonts, maxWidth / (size / ShapedText.ReferenceSize))).ToList() : broken;
            var fitted = TryFit(pieces, paragraph, size, maxWidth, maxHeight, ascent, lineHeight, space);
            if (fitted is not null || size < Floor)
            {
                return fitted ?? Lay(pieces, paragraph, size, maxWidth, ascent, lineHeight, space);
            }
        }
    }

    private static FittedText? TryFit(IReadOnlyList<ShapedWord> words, TextDirection paragraph, float size, float maxWidth, float maxHeight,
        float ascent, float lineHeight, float space)
    {
        var scale = size / ShapedText.ReferenceSize;
        if (words.Any(w => w.Width * scale > maxWidth))
        {
            return null;
        }
        var fitted = Lay(words, paragraph, size, maxWidth, ascent, lineHeight, space);
        return fitted.Height <= maxHeight ? fitted : null;
    }

    private static FittedText Lay(IReadOnlyList<ShapedWord> words, TextDirection paragraph, float size, float maxWidth, float ascent, float lineHeight, float space)
    {
        var scale = size / ShapedText.ReferenceSize;
        var limit = maxWidth / scale;
        var lines = new List<FittedLine>();
        var current = new List<ShapedWord>();
        var width = 0f;
        foreach (var word in words)
        {
            var added = current.Count == 0 ? word.Width : width + space + word.Width;
            if (current.Count > 0 && added > limit)
            {
                lines.Add(new FittedLine(VisualOrder(current, paragraph), width));
                current = [];
                added = word.Width;
            }
            current.Add(word);
            width = added;
        }
        if (current.Count > 0)
        {
            lines.Add(new FittedLine(VisualOrder(current, paragraph), width));
        }
        return new FittedText(size, lines, ascent * scale, lineHeight * scale, space * scale);
    }

    /// <summary>
    /// Word-level bidi, enough for one name or one sentence: words take their own direction (a word
    /// without letters that of its neighbours when they agree, else the paragraph's), and runs of
    /// words against the paragraph's direction keep their own order inside it.
    /// </summary>
    internal static IReadOnlyList<ShapedWord> VisualOrder(IReadOnlyList<ShapedWord> logical, TextDirection paragraph)
    {
        var resolved = new TextDirection[logical.Count];
        for (var i = 0; i < logical.Count; i++)
        {
            resolved[i] = logical[i].Direction;
            if (resolved[i] == TextDirection.Neutral)
            {
                var before = Strong(logical, i, -1);
                var after = Strong(logical, i, +1);
                resolved[i] = before == after && before != TextDirection.Neutral ? before : paragraph;
            }
        }
        var order = Enumerable.Range(0, logical.Count).ToList();
        if (paragraph == TextDirection.RightToLeft)
        {
            order.Reverse();
        }
        var visual = new List<ShapedWord>(logical.Count);
        for (var i = 0; i < order.Count;)
        {
            var j = i;
            while (j < order.Count && resolved[order[j]] == resolved[order[i]])
            {
                j++;
            }
            var group = order.GetRange(i, j - i);
            if (resolved[order[i]] != paragraph)
            {
                group.Reverse();
            }
            visual.AddRange(group.Select(k => logical[k]));
            i = j;
        }
        return visual;
    }

    private static TextDirection Strong(IReadOnlyList<ShapedWord> words, int from, int step)
    {
        for (var i = from + step; i >= 0 && i < words.Count; i += step)
        {
            if (words[i].Direction != TextDirection.Neutral)
            {
                return words[i].Direction;
            }
        }
        return TextDirection.Neutral;
    }

    /// <summary>A word too wide for the line, cut between grapheme clusters into pieces that fit.</summary>
    private static IEnumerable<ShapedWord> Break(ShapedWord word, CardFonts fonts, float limit)
    {
        if (word.Width <= limit)
        {
            yield return word;
            yield break;
        }
        var clusters = new List<string>();
        var enumerator = StringInfo.GetTextElementEnumerator(word.Text);
        while (enumerator.MoveNext())
        {
            clusters.Add(enumerator.GetTextElement());
        }
        var start = 0;
        while (start < clusters.Count)
        {
            // The longest piece that fits, at least one cluster.
            var end = start + 1;
            var piece = ShapedText.Word(string.Concat(clusters.Skip(start).Take(1)), fonts);
            while (end < clusters.Count)
            {
                var longer = ShapedText.Word(string.Concat(clusters.Skip(start).Take(end - start + 1)), fonts);
                if (longer.Width > limit)
                {
                    break;
                }
                piece = longer;
                end++;
            }
            yield return piece;
            start = end;
        }
    }

    private static float SpaceWidth(CardFonts fonts)
    {
        using var font = ShapedText.CardFont(fonts.Text, ShapedText.ReferenceSize);
        return font.MeasureText(" ");
    }
}
