using System.Globalization;
using Circly.Core.Errors;

namespace Circly.Functions.Http;

/// <summary>?limit=&amp;offset= on list endpoints, and the envelope's pagination for a page of them.</summary>
public sealed record Paging(int Limit, int Offset)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    public static Paging From(HttpRequest request, int defaultLimit = DefaultLimit, int maxLimit = MaxLimit) =>
        new(Read(request, "limit", defaultLimit, 1, maxLimit), Read(request, "offset", 0, 0, int.MaxValue));

    /// <summary>hasMore in long arithmetic: Offset + Limit overflowed at offset 2147483647 and sent clients round forever.</summary>
    public Pagination For(int total) => new(total, Limit, Offset, (long)Offset + Limit < total);

    private static int Read(HttpRequest request, string name, int fallback, int min, int max)
    {
        var values = request.Query[name];
        if (values.Count == 0)
        {
            return fallback;
        }
        if (values.Count > 1 || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw Fail.InvalidFormat(name, "must be a whole number.");
        }
        return value >= min && value <= max ? value : throw Fail.OutOfRange(name, $"must be between {min} and {max}.");
    }
}
