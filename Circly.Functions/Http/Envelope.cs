using System.Text.Json.Serialization;

namespace Circly.Functions.Http;

/// <summary>The seed's response envelope: every response, errors included, has this shape.</summary>
public sealed record Envelope(
    bool Success,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Data,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EnvelopeError? Error,
    EnvelopeMeta Meta);

public sealed record EnvelopeError(
    string Code,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Details);

public sealed record EnvelopeMeta(
    string RequestId,
    DateTimeOffset Timestamp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Pagination? Pagination);

public sealed record Pagination(int Total, int Limit, int Offset, bool HasMore);
