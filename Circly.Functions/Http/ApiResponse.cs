namespace Circly.Functions.Http;

/// <summary>What a function hands back on success; the pipeline wraps it in the envelope.</summary>
public sealed class ApiResponse
{
    public int StatusCode { get; private init; } = StatusCodes.Status200OK;

    public object? Data { get; private init; }

    public Pagination? Pagination { get; private init; }

    /// <summary>Strong ETag (quoted) for conditional reads; 304 when the client already has it.</summary>
    public string? ETag { get; private init; }

    public static ApiResponse Ok(object? data, Pagination? pagination = null) => new() { Data = data, Pagination = pagination };

    public static ApiResponse Created(object? data) => new() { StatusCode = StatusCodes.Status201Created, Data = data };

    public static ApiResponse Tagged(object? data, string etag) => new() { Data = data, ETag = etag };

    /// <summary>503 with SERVICE_UNAVAILABLE that still reports what it knows (the detailed health check).</summary>
    public static ApiResponse Unavailable(object data) => new() { StatusCode = StatusCodes.Status503ServiceUnavailable, Data = data };

    public bool IsFailure => StatusCode >= StatusCodes.Status400BadRequest;
}
