namespace Circly.Functions.OpenApi;

/// <summary>How an operation answers: the envelope (the API), an HTML page, or a bare JSON document.</summary>
public enum ApiBody
{
    Envelope,
    Html,
    Json,
}

/// <summary>A success answer: its status and the type of the envelope's data (or the bare body).</summary>
public sealed record ApiSuccess(int Status, Type? Data, bool Paged);

/// <summary>A query parameter the operation reads.</summary>
public sealed record ApiQueryParameter(string Name, Type Type);

/// <summary>
/// What one function promises, beside what functions.metadata already says (route, methods, key
/// level): request and response records, statuses, error codes and auth. ApiContracts lists one per
/// HTTP function; OpenApiDocumentBuilder turns them into the document. Build with the methods below.
/// </summary>
public sealed record ApiContract(ApiAuth Auth, bool RateLimited)
{
    public Type? Request { get; private init; }

    public IReadOnlyList<ApiSuccess> Successes { get; private init; } = [];

    public IReadOnlyList<ApiQueryParameter> QueryParameters { get; private init; } = [];

    /// <summary>The codes of this operation's own rules; those of auth, validation and the pipeline are added by the builder.</summary>
    public IReadOnlyList<string> ErrorCodes { get; private init; } = [];

    /// <summary>Answers If-None-Match with 304 and no body.</summary>
    public bool Conditional { get; private init; }

    /// <summary>A 503 that still carries the data (the detailed health check).</summary>
    public Type? UnavailableData { get; private init; }

    public ApiBody Body { get; private init; } = ApiBody.Envelope;

    public string Summary { get; private init; } = "";

    /// <summary>Set for a function that is not an operation of the API (the catch-all): why it is left out.</summary>
    public string? NotDocumentedBecause { get; private init; }

    /// <summary>Device token; per-user rate limit.</summary>
    public static ApiContract ForDevice(string summary) => new(ApiAuth.Device, RateLimited: true) { Summary = summary };

    /// <summary>Admin token with a role; per-admin rate limit.</summary>
    public static ApiContract ForAdmin(string summary) => new(ApiAuth.Admin, RateLimited: true) { Summary = summary };

    /// <summary>No credentials, per-IP rate limit (RunAnonymousAsync).</summary>
    public static ApiContract Anonymous(string summary) => new(ApiAuth.None, RateLimited: true) { Summary = summary };

    /// <summary>No credentials and no rate limit (RunAsync).</summary>
    public static ApiContract Public(string summary) => new(ApiAuth.None, RateLimited: false) { Summary = summary };

    public static ApiContract WithKey(ApiAuth key, string summary) => new(key, RateLimited: false) { Summary = summary };

    public static ApiContract NotAnOperation(string because) => new(ApiAuth.None, RateLimited: false) { NotDocumentedBecause = because };

    public ApiContract Accepts<TRequest>() => this with { Request = typeof(TRequest) };

    public ApiContract Returns<TData>(int status = StatusCodes.Status200OK) => this with { Successes = [.. Successes, new ApiSuccess(status, typeof(TData), Paged: false)] };

    /// <summary>A list with meta.pagination, and ?limit and ?offset.</summary>
    public ApiContract ReturnsPage<TItem>() =>
        (this with { Successes = [.. Successes, new ApiSuccess(StatusCodes.Status200OK, typeof(IReadOnlyList<TItem>), Paged: true)] })
        .Query<int>("limit").Query<int>("offset");

    public ApiContract ReturnsHtml(params int[] statuses) =>
        this with { Body = ApiBody.Html, Successes = [.. statuses.Select(status => new ApiSuccess(status, null, Paged: false))] };

    public ApiContract ReturnsJsonDocument() =>
        this with { Body = ApiBody.Json, Successes = [new ApiSuccess(StatusCodes.Status200OK, null, Paged: false)] };

    public ApiContract NotModifiedWhenUnchanged() => this with { Conditional = true };

    public ApiContract UnavailableWith<TData>() => this with { UnavailableData = typeof(TData) };

    public ApiContract Query<T>(string name) => this with { QueryParameters = [.. QueryParameters, new ApiQueryParameter(name, typeof(T))] };

    public ApiContract Errors(params string[] codes) => this with { ErrorCodes = [.. ErrorCodes, .. codes] };
}
