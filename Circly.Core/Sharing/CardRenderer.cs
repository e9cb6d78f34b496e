using SkiaSharp;

namespace Circly.Core.Sharing;

/// <summary>A text as placed on a card: the box it was fitted into and where it ended up.</summary>
internal sealed record PlacedText(string Text, SKRect Slot, SKRect Placed, FittedText Fitted, SKColor Color);

/// <summary>
/// Draws cards with SkiaSharp on the CPU and encodes them as PNG with nothing but the image:
/// no text, time or any other ancillary chunk (PngChunks), and no ids anywhere in what is drawn.
/// </summary>
internal sealed class CardRenderer : IDisposable
{
    private readonly CardFonts _fonts;

    // Drawn once: filling 2 million pixels with a gradient costs more than all of a card's text
    // (measured in bench/); each card starts from a copy.
    private readonly Dictionary<ShareCardFormat, SKBitmap> _backgrounds;

    public CardRenderer(CardFonts fonts)
    {
        _fonts = fonts;
        _backgrounds = Enum.GetValues<ShareCardFormat>().ToDictionary(format => format, format => Background(CardLayout.For(format)));
    }

    // Measured (docs/SHARING.md): the Sub filter encodes a story card in about half the time of
    // adaptive filtering, and zlib level 3 in about 60% of the time of level 6; the files are
    // larger, which matters little for an image stored once and downloaded a few times.
    private static readonly SKPngEncoderOptions Png = new(SKPngEncoderFilterFlags.Sub, 3);

    public byte[] Render(CardContent content)
    {
        using var bitmap = CopyOf(_backgrounds[content.Format]);
        using (var canvas = new SKCanvas(bitmap))
        {
            foreach (var text in Place(content))
            {
                Draw(canvas, text);
            }
        }
        return Encode(bitmap);
    }

    /// <summary>The card with no text: the bench's baseline, and the tests' reference for where ink may go.</summary>
    public byte[] RenderBackground(ShareCardFormat format)
    {
        using var bitmap = CopyOf(_backgrounds[format]);
        return Encode(bitmap);
    }

    /// <summary>A plain copy of the pixels (SKBitmap.Copy converts through a canvas and was measured 20 times slower).</summary>
    private static SKBitmap CopyOf(SKBitmap background)
    {
        var copy = new SKBitmap(background.Info);
        using var source = background.PeekPixels();
        using var target = copy.PeekPixels();
        source.GetPixelSpan<byte>().CopyTo(target.GetPixelSpan<byte>());
        return copy;
    }

    public void Dispose()
    {
        foreach (var background in _backgrounds.Values)
        {
            background.Dispose();
        }
    }

    /// <summary>Fits every text into its slot and stacks the panel's texts, centred in the panel.</summary>
    public IReadOnlyList<PlacedText> Place(CardContent content)
    {
        var layout = CardLayout.For(content.Format);
        var placed = new List<PlacedText> { Fixed(content.AppName, layout.App), Fixed(content.Footer, layout.Footer) };
        var stack = new List<(string Text, TextSlot Slot, FittedText Fitted)>();
        foreach (var (text, slot) in new[] { (content.Headline, layout.Headline), (content.Question, layout.Question), (content.Nickname, layout.Nickname), (content.CircleLine, layout.Circle) })
        {
            if (text is not null)
            {
                stack.Add((text, slot, Fit(text, slot)));
            }
        }
        var area = layout.PanelContent;
        var total = stack.Sum(s => s.Fitted.Height) + layout.Gap * (stack.Count - 1);
        var y = area.Top + (area.Height - total) / 2;
        foreach (var (text, slot, fitted) in stack)
        {
            var box = SKRect.Create(slot.Box.Left, y, slot.Box.Width, fitted.Height);
            placed.Add(new PlacedText(text, box, Centred(box, fitted), fitted, slot.Color));
            y += fitted.Height + layout.Gap;
        }
        return placed;
    }

    private PlacedText Fixed(string text, TextSlot slot)
    {
        var fitted = Fit(text, slot);
        var box = SKRect.Create(slot.Box.Left, slot.Box.MidY - fitted.Height / 2, slot.Box.Width, fitted.Height);
        return new PlacedText(text, slot.Box, Centred(box, fitted), fitted, slot.Color);
    }

    private FittedText Fit(string text, TextSlot slot) =>
        TextFit.Fit(text, _fonts, slot.Box.Width, slot.Box.Height, slot.Largest, slot.Smallest);

    private static SKRect Centred(SKRect box, FittedText fitted) =>
        SKRect.Create(box.MidX - fitted.WidestLine / 2, box.Top, fitted.WidestLine, fitted.Height);

    private static SKBitmap Background(CardLayout layout)
    {
        // Opaque: the PNG is RGB without alpha, a quarter smaller and faster to encode.
        var bitmap = new SKBitmap(new SKImageInfo(layout.Width, layout.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        // Top to bottom: every row is one colour outside the panel, which the PNG Sub filter turns
        // into zeros. A diagonal gradient (measured) made encoding the card twice as slow.
        using var gradient = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, layout.Height),
            [layout.Top, layout.Bottom], SKShaderTileMode.Clamp);
        using var background = new SKPaint { Shader = gradient };
        canvas.DrawRect(0, 0, layout.Width, layout.Height, background);
        using var panel = new SKPaint { Color = SKColors.White, IsAntialias = true };
        canvas.DrawRoundRect(layout.Panel, layout.PanelRadius, layout.PanelRadius, panel);
        return bitmap;
    }

    private static void Draw(SKCanvas canvas, PlacedText text)
    {
        var fitted = text.Fitted;
        var scale = fitted.Scale;
        using var paint = new SKPaint { Color = text.Color, IsAntialias = true };
        var fonts = new Dictionary<CardTypeface, SKFont>();
        try
        {
            for (var i = 0; i < fitted.Lines.Count; i++)
            {
                var line = fitted.Lines[i];
                var x = text.Placed.MidX - line.Width * scale / 2;
                var baseline = text.Placed.Top + fitted.Ascent + i * fitted.LineHeight;
                using var builder = new SKTextBlobBuilder();
                foreach (var word in line.Words)
                {
                    foreach (var run in word.Runs)
                    {
                        if (!fonts.TryGetValue(run.Face, out var font))
                        {
                            fonts[run.Face] = font = ShapedText.CardFont(run.Face, fitted.Size);
                        }
                        var positions = run.Positions.Select(p => new SKPoint(x + p.X * scale, baseline + p.Y * scale)).ToArray();
                        builder.AddPositionedRun(run.Glyphs, font, positions);
                        x += run.Width * scale;
                    }
                    x += fitted.SpaceWidth;
                }
                using var blob = builder.Build();
                if (blob is not null)
                {
                    canvas.DrawText(blob, 0, 0, paint);
                }
            }
        }
        finally
        {
            foreach (var font in fonts.Values)
            {
                font.Dispose();
            }
        }
    }

    private static byte[] Encode(SKBitmap bitmap)
    {
        using var pixels = bitmap.PeekPixels();
        using var data = pixels.Encode(Png) ?? throw new InvalidOperationException("PNG encoding failed.");
        return PngChunks.KeepCritical(data.ToArray());
    }
}
