using System.Buffers.Binary;
using System.Text;

namespace Circly.Tests.Sharing;

/// <summary>A PNG read by hand: its signature and chunk list, as a metadata check must see it (no decoder in between).</summary>
public sealed record PngChunk(string Type, int Length);

public static class PngFile
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static IReadOnlyList<PngChunk> Chunks(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(Signature), "not a PNG signature");
        var chunks = new List<PngChunk>();
        var offset = 8;
        while (offset < png.Length)
        {
            Assert.True(offset + 12 <= png.Length, "a chunk runs past the end of the file");
            var length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset)));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            chunks.Add(new PngChunk(type, length));
            offset += 12 + length;
            if (type == "IEND")
            {
                break;
            }
        }
        Assert.Equal(png.Length, offset);
        return chunks;
    }

    public static (int Width, int Height) Size(byte[] png)
    {
        Assert.Equal("IHDR", Chunks(png)[0].Type);
        return ((int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(16)), (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(20)));
    }
}
