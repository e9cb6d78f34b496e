using SkiaSharp;

namespace Circly.Tests.Sharing;

/// <summary>Pixel comparisons of decoded cards.</summary>
internal static class CardPixels
{
    public static SKBitmap Decode(byte[] png) =>
        SKBitmap.Decode(png).Copy(SKColorType.Rgba8888) ?? throw new InvalidOperationException("The PNG does not decode.");

    /// <summary>Where two images of one size differ by more than a rounding error in any channel.</summary>
    public static IEnumerable<SKPointI> Differences(SKBitmap a, SKBitmap b, int threshold = 8)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        var pa = a.GetPixelSpan().ToArray();
        var pb = b.GetPixelSpan().ToArray();
        for (var i = 0; i < pa.Length; i += 4)
        {
            if (Math.Abs(pa[i] - pb[i]) > threshold || Math.Abs(pa[i + 1] - pb[i + 1]) > threshold || Math.Abs(pa[i + 2] - pb[i + 2]) > threshold)
            {
                yield return new SKPointI(i / 4 % a.Width, i / 4 / a.Width);
            }
        }
    }

    /// <summary>
    /// How far two images of one size are apart: the mean absolute channel difference, and the
    /// share of pixels with any channel off by more than 48 (a moved or changed glyph).
    /// </summary>
    public static (double MeanDifference, double ChangedShare) Distance(SKBitmap a, SKBitmap b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        var pa = a.GetPixelSpan().ToArray();
        var pb = b.GetPixelSpan().ToArray();
        long sum = 0;
        var changed = 0;
        for (var i = 0; i < pa.Length; i += 4)
        {
            var d = Math.Max(Math.Abs(pa[i] - pb[i]), Math.Max(Math.Abs(pa[i + 1] - pb[i + 1]), Math.Abs(pa[i + 2] - pb[i + 2])));
            sum += Math.Abs(pa[i] - pb[i]) + Math.Abs(pa[i + 1] - pb[i + 1]) + Math.Abs(pa[i + 2] - pb[i + 2]);
            changed += d > 48 ? 1 : 0;
        }
        var pixels = pa.Length / 4;
        return (sum / (3.0 * pixels), changed / (double)pixels);
    }

    public static SKBitmap Shrink(SKBitmap bitmap, int factor)
    {
        var small = new SKBitmap(new SKImageInfo(bitmap.Width / factor, bitmap.Height / factor, SKColorType.Rgba8888, SKAlphaType.Opaque));
        Assert.True(bitmap.ScalePixels(small, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)));
        return small;
    }
}
