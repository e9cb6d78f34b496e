using Circly.Core.Errors;

namespace Circly.Functions.Http;

/// <summary>Query-string and route values, validated with the seed's error codes (paging: Paging).</summary>
public static class Query
{
    public static string? Text(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.ToString().Trim() : null;

    public static Guid? Id(HttpRequest request, string name) =>
        Text(request, name) is not { } text ? null
        : Guid.TryParse(text, out var id) ? id
        : throw Fail.InvalidFormat(name, "must be a UUID.");

    /// <summary>One of the enum's names, any case. Not Enum.TryParse: it also takes numbers and "a,b" as flags.</summary>
    public static TEnum Enum<TEnum>(HttpRequest request, string name, TEnum fallback) where TEnum : struct, Enum =>
        Text(request, name) is not { } text ? fallback
        : System.Enum.GetNames<TEnum>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)) is { } match ? System.Enum.Parse<TEnum>(match)
        : throw Fail.InvalidFormat(name, $"must be one of {string.Join(", ", System.Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()))}.");

    /// <summary>A route id that is not a UUID names nothing: the caller's "not found".</summary>
    public static Guid RouteId(string value, string notFoundCode, string notFoundMessage) =>
        Guid.TryParse(value, out var id) ? id : throw Fail.With(notFoundCode, notFoundMessage);
}
