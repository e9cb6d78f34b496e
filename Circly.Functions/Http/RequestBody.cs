using System.Text.Json;
using Circly.Core.Errors;

namespace Circly.Functions.Http;

/// <summary>
/// Reads a JSON body into a request record. Malformed JSON or a wrong type is
/// VALIDATION_INVALID_FORMAT naming the field; an empty body is VALIDATION_REQUIRED.
/// Required fields are checked by the caller (records use nullable properties) so each
/// missing field gets its own VALIDATION_REQUIRED.
/// </summary>
public static class RequestBody
{
    public const int MaxBytes = 64 * 1024;

    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }
        if (request.ContentType is { Length: > 0 } contentType && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            throw Fail.InvalidFormat("body", "must be JSON (Content-Type: application/json).");
        }

        var bytes = await ReadLimitedAsync(request.Body, cancellationToken);
        if (bytes.Length == 0 || bytes.AsSpan().Trim(" \t\r\n"u8).Length == 0)
        {
            throw Fail.Required("body");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Json.Options) ?? throw Fail.Required("body");
        }
        catch (JsonException ex)
        {
            throw Fail.InvalidFormat(FieldOf(ex.Path), "is malformed or has the wrong type.");
        }
    }

    internal static CirclyException TooLarge() =>
        new(ErrorCodes.RequestTooLarge, $"The request body is larger than {MaxBytes / 1024} KB.");

    private static async Task<byte[]> ReadLimitedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw TooLarge();
            }
            buffer.Write(chunk.AsSpan(0, read));
        }
        return buffer.ToArray();
    }

    /// <summary>"$.deadline" → "deadline"; "$.options[2].id" → "options[2].id"; "$" → "body".</summary>
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
}
