using Circly.Core.Sharing;
using Circly.Tests.Infrastructure;
using SkiaSharp;

namespace Circly.Tests.Sharing;

/// <summary>
/// The card images themselves. Golden images live in Sharing/Golden at a quarter of the size;
/// regenerate them after an intended layout change with
/// `CIRCLY_UPDATE_GOLDEN=1 ./test.sh --filter-class '*CardRenderingTests'` and look at them.
/// </summary>
public sealed class CardRenderingTests
{
    private static readonly CardRenderer Renderer = new(new CardFonts());
    private const int GoldenScale = 4;

    public static TheoryData<ShareCardFormat> Formats => [ShareCardFormat.Story, ShareCardFormat.Link];

    public static TheoryData<ShareCardFormat, string> EdgeCases
    {
        get
        {
            var data = new TheoryData<ShareCardFormat, string>();
            foreach (var format in new[] { ShareCardFormat.Story, ShareCardFormat.Link })
            {
                foreach (var (name, _) in CardSamples.EdgeCases(format))
                {
                    data.Add(format, name);
                }
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void ACardIsAPngOfItsFormatsSizeWithNoMetadataChunks(ShareCardFormat format)
    {
        var png = Renderer.Render(CardSamples.Ordinary(format));

        Assert.Equal(ShareCardFormats.SizeOf(format), PngFile.Size(png));
        var chunks = PngFile.Chunks(png).Select(c => c.Type).ToList();
        Assert.Equal("IHDR", chunks[0]);
        Assert.Equal("IEND", chunks[^1]);
        // Only image data: no tEXt/iTXt/zTXt (text), tIME (when), eXIf, or any other ancillary chunk.
        Assert.All(chunks, type => Assert.Contains(type, new[] { "IHDR", "IDAT", "IEND" }));
        using var decoded = CardPixels.Decode(png);
        Assert.Equal(ShareCardFormats.SizeOf(format), (decoded.Width, decoded.Height));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void TheLayoutMatchesItsGoldenImage(ShareCardFormat format)
    {
        using var card = CardPixels.Decode(Renderer.Render(CardSamples.Ordinary(format)));
        using var small = CardPixels.Shrink(card, GoldenScale);
        var path = Path.Combine(RepoPaths.Root, "Circly.Tests", "Sharing", "Golden", $"{ShareCardFormats.NameOf(format)}.png");
        if (Environment.GetEnvironmentVariable("CIRCLY_UPDATE_GOLDEN") == "1")
        {
            using var data = small.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(path, data.ToArray());
        }

        using var golden = CardPixels.Decode(File.ReadAllBytes(path));
        var (mean, changed) = CardPixels.Distance(small, golden);

        // Anti-aliasing may differ by a level or two between Skia builds; a moved or changed text does not stay under these.
        Assert.True(mean < 0.5 && changed < 0.0001, $"{format} card differs from {path}: mean {mean:0.000}, changed {changed:P2}");
    }

    [Fact]
    public void TheGoldenComparisonNoticesAChangedText()
    {
        using var card = CardPixels.Shrink(CardPixels.Decode(Renderer.Render(CardSamples.Ordinary(ShareCardFormat.Story))), GoldenScale);
        using var other = CardPixels.Shrink(CardPixels.Decode(Renderer.Render(
            CardContent.For(ShareCardFormat.Story, 4, "Who has the best laugh?", "Sam", null, CardSamples.StoreLink))), GoldenScale);

        var (mean, changed) = CardPixels.Distance(card, other);

        Assert.False(mean < 0.5 && changed < 0.0001, $"a different count passed the golden tolerance: mean {mean:0.000}, changed {changed:P2}");
    }

    [Theory]
    [MemberData(nameof(EdgeCases))]
    public void EdgeTextsFitTheirBoxesAndEveryGlyphIsDrawnInside(ShareCardFormat format, string name)
    {
        var content = CardSamples.EdgeCases(format).Single(c => c.Name == name).Content;
        var (width, height) = ShareCardFormats.SizeOf(format);
        var margin = format == ShareCardFormat.Story ? 48 : 24;

        var placed = Renderer.Place(content);
        using var card = CardPixels.Decode(Renderer.Render(content));
        using var blank = CardPixels.Decode(Renderer.RenderBackground(format));

        if (Environment.GetEnvironmentVariable("CIRCLY_CARD_DUMP") is { Length: > 0 } dump)
        {
            File.WriteAllBytes(Path.Combine(dump, $"{ShareCardFormats.NameOf(format)}-{name.Replace(' ', '-')}.png"), Renderer.Render(content));
        }
        Assert.Equal(content.Texts.Count(), placed.Count);
        foreach (var text in placed)
        {
            // Every character has a glyph in a bundled font (glyph 0 is the empty box).
            Assert.DoesNotContain((ushort)0, text.Fitted.Lines.SelectMany(l => l.Words).SelectMany(w => w.Runs).SelectMany(r => r.Glyphs));
            Assert.True(text.Slot.Contains(text.Placed), $"'{text.Text}' ({text.Placed}) overflows its slot {text.Slot}");
            Assert.True(SKRect.Create(margin, margin, width - 2 * margin, height - 2 * margin).Contains(text.Placed), $"'{text.Text}' reaches the card's margin");
        }
        // Ink only where texts were placed (a few pixels of anti-aliasing around them)...
        var allowed = placed.Select(p => SKRectI.Round(SKRect.Inflate(p.Placed, 4, 4))).ToList();
        var strays = CardPixels.Differences(card, blank).Where(p => !allowed.Any(r => r.Contains(p))).Take(5).ToList();
        Assert.True(strays.Count == 0, $"ink outside every text box at {string.Join(", ", strays)}");
        // ...and every text placed has ink: none was dropped.
        var inked = CardPixels.Differences(card, blank).ToList();
        Assert.All(placed, p => Assert.True(inked.Any(i => SKRectI.Round(p.Placed).Contains(i)), $"'{p.Text}' drew nothing"));
    }

    [Fact]
    public void ArabicIsShapedRightToLeftAndACircleNameKeepsItsWordsInReadingOrder()
    {
        var content = CardContent.For(ShareCardFormat.Story, 2, "Who is the best listener?", "نور الهدى", "أصدقاء المدرسة", CardSamples.StoreLink);

        var placed = Renderer.Place(content);

        var nickname = placed.Single(p => p.Text == "نور الهدى").Fitted.Lines.Single();
        // An Arabic paragraph reads right to left: its first word is drawn rightmost.
        Assert.Equal(["الهدى", "نور"], nickname.Words.Select(w => w.Text));
        var circle = placed.Single(p => p.Text == "in أصدقاء المدرسة").Fitted.Lines.Single();
        // "in" starts an English line; the Arabic name inside it still reads right to left.
        Assert.Equal(["in", "المدرسة", "أصدقاء"], circle.Words.Select(w => w.Text));
    }
}
