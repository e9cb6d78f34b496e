using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Circly.Tests.Infrastructure;

/// <summary>What came back: status, headers and the parsed envelope.</summary>
public sealed record ApiCall(HttpStatusCode Status, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders, JsonElement Body, string RawBody)
{
    public bool Success => Body.ValueKind == JsonValueKind.Object && Body.GetProperty("success").GetBoolean();

    public JsonElement Data => Body.GetProperty("data");

    public string? ErrorCode => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("error", out var error) ? error.GetProperty("code").GetString() : null;

    public string ErrorMessage => Body.GetProperty("error").GetProperty("message").GetString()!;

    public JsonElement Meta => Body.GetProperty("meta");

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}

/// <summary>
/// A thin HTTP client for the API that keeps tests about behaviour, not plumbing. Every answer it
/// receives is checked against the OpenAPI document the app serves (OpenApiConformance): a status the
/// document does not give the operation, or a body its schema refuses, fails the test that got it.
/// Apps with test-only functions (the probes) turn the check off: those are not the API.
/// </summary>
public sealed class ApiClient(HttpClient http, bool checkAgainstDocument = true) : IDisposable
{
    public const string DocumentPath = "/v1/openapi.json";

    private readonly SemaphoreSlim _documentLock = new(1, 1);
    private OpenApiConformance? _document;

    public HttpClient Http => http;

    public Task<ApiCall> GetAsync(string path, string? token = null, IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Get, path, null, token, headers);

    public Task<ApiCall> PostAsync(string path, object? body = null, string? token = null, IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Post, path, body, token, headers);

    public Task<ApiCall> PutAsync(string path, object? body = null, string? token = null) =>
        SendAsync(HttpMethod.Put, path, body, token, null);

    public Task<ApiCall> DeleteAsync(string path, string? token = null) =>
        SendAsync(HttpMethod.Delete, path, null, token, null);

    /// <summary>GET with a function key, for functions whose trigger is AuthorizationLevel.Function.</summary>
    public Task<ApiCall> GetWithFunctionKeyAsync(string path) =>
        SendAsync(HttpMethod.Get, path, null, null, new Dictionary<string, string> { ["x-functions-key"] = TestSecrets.FunctionKey });

    /// <summary>Runs a timer or queue function now through the host's admin API, with the master key.</summary>
    public Task<HttpResponseMessage> RunFunctionAsync(string name, string? input = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/functions/{name}")
        {
            Content = JsonContent.Create(new { input }),
        };
        request.Headers.Add("x-functions-key", TestSecrets.MasterKey);
        return http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Sends a raw body exactly as given (for malformed JSON and wrong types).</summary>
    public Task<ApiCall> SendRawAsync(HttpMethod method, string path, string rawBody, string? token = null, string contentType = "application/json") =>
        SendAsync(method, path, new StringContent(rawBody, Encoding.UTF8, contentType), token, null);

    public async Task<ApiCall> SendAsync(HttpMethod method, string path, object? body, string? token, IDictionary<string, string>? headers)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Content = body switch
        {
            null => null,
            HttpContent content => content,
            _ => JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web)),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var json = raw.Length > 0 && mediaType == "application/json"
            ? JsonDocument.Parse(raw).RootElement.Clone()
            : default;
        if (checkAgainstDocument)
        {
            var problems = (await DocumentAsync()).Problems(method.Method, request.RequestUri!.IsAbsoluteUri ? request.RequestUri.AbsolutePath : PathOf(request.RequestUri.OriginalString),
                response.StatusCode, mediaType, raw);
            Assert.True(problems.Count == 0, $"{method} {path} answered outside /v1/openapi.json:\n" + string.Join("\n", problems));
        }
        return new ApiCall(response.StatusCode, response.Headers, response.Content.Headers, json, raw);
    }

    /// <summary>The served document, fetched once per client.</summary>
    public async Task<OpenApiConformance> DocumentAsync()
    {
        await _documentLock.WaitAsync();
        try
        {
            if (_document is null)
            {
                using var response = await http.GetAsync(DocumentPath);
                response.EnsureSuccessStatusCode();
                _document = OpenApiConformance.For(await response.Content.ReadAsStringAsync());
            }
            return _document;
        }
        finally
        {
            _documentLock.Release();
        }
    }

    private static string PathOf(string relative) => relative.Split('?', 2)[0] is var path && path.StartsWith('/') ? path : "/" + path;

    public void Dispose()
    {
        http.Dispose();
        _documentLock.Dispose();
    }
}
