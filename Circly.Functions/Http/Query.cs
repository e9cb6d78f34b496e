using System.Globalization;
using Circly.Core.Errors;

namespace Circly.Functions.Http;

/// <summary>Query-string and route values, validated with the seed's error codes.</summary>
public static class Query
{
    public static (int Limit, int Offset) Page(HttpRequest request, int defaultLimit = 20, int maxLimit = 50)
    {
        var limit = Int(request, "limit") ?? defaultLimit;
        var offset = Int(request, "offset") ?? 0;
        if (limit < 1 || limit > maxLimit)
        {
            throw Fail.OutOfRange("limit", $"must be between 1 and {maxLimit}.");
        }
        return offset < 0 ? throw Fail.OutOfRange("offset", "must be 0 or more.") : (limit, offset);
    }

    public static string? Text(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.ToString().Trim() : null;

    public static Guid? Id(HttpRequest request, string name) =>
        Text(request, name) is not { } text ? null
        : Guid.TryParse(text, out var id) ? id
        : throw Fail.InvalidFormat(name, "must be a UUID.");

    public static TEnum Enum<TEnum>(HttpRequest request, string name, TEnum fallback) where TEnum : struct, Enum =>
        Text(request, name) is not { } text ? fallback
        : System.Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && !int.TryParse(text, out _) ? value
        : throw Fail.InvalidFormat(name, $"must be one of {string.Join(", ", System.Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()))}.");

    /// <summary>A route id that is not a UUID names nothing: the caller's "not found".</summary>
    public static Guid RouteId(string value, string notFoundCode, string notFoundMessage) =>
        Guid.TryParse(value, out var id) ? id : throw Fail.With(notFoundCode, notFoundMessage);

    private static int? Int(HttpRequest request, string name) =>
        Text(request, name) is not { } text ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw Fail.InvalidFormat(name, "must be a whole number.");
}
