using System.Reflection;
using SkiaSharp;
using SkiaSharp.HarfBuzz;

namespace Circly.Core.Sharing;

/// <summary>
/// The fonts cards are drawn with, bundled in Sharing/Fonts and loaded once per process (see
/// docs/SHARING.md): Noto Sans for Latin, Greek and Cyrillic, Noto Sans Arabic, Noto Color Emoji.
/// Never the host's fonts, so a card looks the same on every machine.
/// </summary>
internal sealed class CardFonts : IDisposable
{
    public CardFonts()
    {
        Text = CardTypeface.Load("NotoSans-Bold.ttf");
        Arabic = CardTypeface.Load("NotoSansArabic-Bold.ttf");
        Emoji = CardTypeface.Load("NotoColorEmoji.ttf");
    }

    public CardTypeface Text { get; }

    public CardTypeface Arabic { get; }

    public CardTypeface Emoji { get; }

    public void Dispose()
    {
        Text.Dispose();
        Arabic.Dispose();
        Emoji.Dispose();
    }
}

/// <summary>A bundled typeface with its HarfBuzz shaper.</summary>
internal sealed class CardTypeface : IDisposable
{
    private readonly SKData _data;
    private readonly SKShaper _shaper;
    private readonly SKFont _probe;
    // HarfBuzz shapes with one font object per shaper; shaping is short, so callers take turns.
    private readonly Lock _shaping = new();

    private CardTypeface(SKData data, SKTypeface typeface)
    {
        _data = data;
        Typeface = typeface;
        _shaper = new SKShaper(typeface);
        _probe = new SKFont(typeface, 1);
        Ascent = -_probe.Metrics.Ascent;
        Descent = _probe.Metrics.Descent;
    }

    public SKTypeface Typeface { get; }

    /// <summary>Above the baseline, in em.</summary>
    public float Ascent { get; }

    /// <summary>Below the baseline, in em.</summary>
    public float Descent { get; }

    public bool Has(int codepoint) => _probe.GetGlyph(codepoint) != 0;

    public SKShaper.Result Shape(string text, SKFont font)
    {
        lock (_shaping)
        {
            return _shaper.Shape(text, font);
        }
    }

    public static CardTypeface Load(string file)
    {
        var name = "Circly.Sharing.Fonts." + file;
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The font {name} is not embedded in Circly.Core.");
        var data = SKData.Create(stream);
        var typeface = SKTypeface.FromData(data) ?? throw new InvalidOperationException($"The font {name} cannot be read.");
        return new CardTypeface(data, typeface);
    }

    public void Dispose()
    {
        _shaper.Dispose();
        _probe.Dispose();
        Typeface.Dispose();
        _data.Dispose();
    }
}
