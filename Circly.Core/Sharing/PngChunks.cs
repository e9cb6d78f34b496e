using System.Buffers.Binary;

namespace Circly.Core.Sharing;

/// <summary>
/// Keeps only a PNG's critical chunks (IHDR, PLTE, IDAT, IEND). Skia writes no text chunks, but
/// it does write ancillary ones (sBIT); a card carries the picture and nothing else, whatever
/// encoder version made it.
/// </summary>
internal static class PngChunks
{
    private const int SignatureLength = 8;

    public static byte[] KeepCritical(byte[] png)
    {
        var output = new MemoryStream(png.Length);
        output.Write(png, 0, SignatureLength);
        var offset = SignatureLength;
        while (offset + 12 <= png.Length)
        {
            var length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset)));
            var total = 12 + length;
            // Bit 5 of a chunk type's first letter: lower case = ancillary.
            if ((png[offset + 4] & 0x20) == 0)
            {
                output.Write(png, offset, total);
            }
            offset += total;
        }
        return output.ToArray();
    }
}
