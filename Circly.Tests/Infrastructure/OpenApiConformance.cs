using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Circly.Tests.Infrastructure;

/// <summary>
/// Checks an answer against the OpenAPI document the app serves: the request finds its operation by
/// the host's rule (operations in the order of their function's name, x-function; the first whose
/// template and method match), the status must be documented for it, and the body must be valid against that status's
/// schema (JsonSchema.Net, draft 2020-12), whose records allow no undocumented property. A request no
/// operation takes must be the catch-all's 404 NOT_FOUND envelope.
/// </summary>
public sealed class OpenApiConformance
{
    // Lazy: the schemas register their ids once, and GetOrAdd may run a factory twice.
    private static readonly ConcurrentDictionary<string, Lazy<OpenApiConformance>> ByDocument = new(StringComparer.Ordinal);
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List };

    private readonly List<Operation> _operations;
    private readonly JsonSchema _envelope;

    private OpenApiConformance(JsonObject document, Uri baseUri)
    {
        SchemaRegistry.Global.Register(new JsonElementBaseDocument(JsonSerializer.SerializeToElement(document), baseUri));
        var componentRef = baseUri + "#/components/";
        JsonSchema SchemaOf(JsonNode schema, string id)
        {
            // The document's "#/components/..." refs are resolved in the registered document.
            var text = schema.ToJsonString().Replace("\"#/components/", "\"" + componentRef, StringComparison.Ordinal);
            // Draft 2020-12, JsonSchema.Net's default (and OpenAPI 3.1's dialect).
            return JsonSchema.FromText(text, baseUri: new Uri($"{baseUri}/{id}"));
        }

        _envelope = SchemaOf(new JsonObject { ["$ref"] = "#/components/schemas/Envelope" }, "envelope");
        _operations = [];
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operationNode) in item!.AsObject())
            {
                var operationId = operationNode!["operationId"]!.GetValue<string>();
                var function = operationNode["x-function"]!.GetValue<string>();
                var responses = new Dictionary<int, Response>();
                foreach (var (status, response) in operationNode["responses"]!.AsObject())
                {
                    var content = response!["content"]?.AsObject();
                    var (mediaType, media) = content?.FirstOrDefault() ?? default;
                    var schema = media?["schema"] is { } schemaNode ? SchemaOf(schemaNode, $"{operationId}/{status}") : null;
                    responses[int.Parse(status, System.Globalization.CultureInfo.InvariantCulture)] = new Response(mediaType, schema);
                }
                _operations.Add(new Operation(operationId, function, method.ToUpperInvariant(), Template(path), responses));
            }
        }
        _operations.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Function, b.Function));
    }

    public static OpenApiConformance For(string documentJson) =>
        ByDocument.GetOrAdd(documentJson, json => new Lazy<OpenApiConformance>(() =>
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
            return new OpenApiConformance(JsonNode.Parse(json)!.AsObject(), new Uri($"https://circly.test/openapi-{hash}.json"));
        })).Value;

    /// <summary>The operation the host would run for this request, or null (the catch-all).</summary>
    public string? OperationFor(string method, string path) => Find(method, path)?.Id;

    /// <summary>What is wrong with this answer, if anything.</summary>
    public IReadOnlyList<string> Problems(string method, string path, HttpStatusCode status, string? mediaType, string rawBody)
    {
        var operation = Find(method, path);
        if (operation is null)
        {
            return CatchAllProblems(method, status, mediaType, rawBody);
        }
        if (!operation.Responses.TryGetValue((int)status, out var response))
        {
            return [$"{operation.Id} does not document status {(int)status}: {Shorten(rawBody)}"];
        }
        if (response.MediaType is null)
        {
            return rawBody.Length == 0 ? [] : [$"{operation.Id} documents no body for {(int)status}, but one came: {Shorten(rawBody)}"];
        }
        if (!string.Equals(mediaType, response.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return [$"{operation.Id} {(int)status} documents {response.MediaType}, but {mediaType ?? "no content type"} came"];
        }
        return response.Schema is null ? [] : SchemaProblems($"{operation.Id} {(int)status}", response.Schema, rawBody);
    }

    private List<string> CatchAllProblems(string method, HttpStatusCode status, string? mediaType, string rawBody)
    {
        if (status != HttpStatusCode.NotFound)
        {
            return [$"{method} matches no documented operation, yet answered {(int)status} instead of the catch-all's 404"];
        }
        if (method == "HEAD")
        {
            return [];
        }
        if (mediaType != "application/json")
        {
            return [$"the catch-all answered {mediaType ?? "no content type"}, not the envelope"];
        }
        var problems = SchemaProblems("the catch-all 404", _envelope, rawBody);
        using var body = JsonDocument.Parse(rawBody);
        if (!body.RootElement.TryGetProperty("error", out var error) || error.GetProperty("code").GetString() != "NOT_FOUND")
        {
            problems.Add("the catch-all 404 is not NOT_FOUND: " + Shorten(rawBody));
        }
        return problems;
    }

    private static List<string> SchemaProblems(string what, JsonSchema schema, string rawBody)
    {
        using var body = JsonDocument.Parse(rawBody);
        var results = schema.Evaluate(body.RootElement, Evaluation);
        if (results.IsValid)
        {
            return [];
        }
        var errors = (results.Details ?? [])
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Value} ({detail.EvaluationPath})"))
            .Distinct()
            .Take(12);
        return [$"{what} does not match its schema:\n  " + string.Join("\n  ", errors) + "\n  body: " + Shorten(rawBody)];
    }

    private Operation? Find(string method, string path) =>
        _operations.FirstOrDefault(operation => operation.Method == method && operation.Path.IsMatch(path));

    private static Regex Template(string path) =>
        new("^" + string.Concat(path.Split('/').Skip(1).Select(segment => "/" + (segment.StartsWith('{') ? "[^/]+" : Regex.Escape(segment)))) + "/?$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "…";

    private sealed record Operation(string Id, string Function, string Method, Regex Path, IReadOnlyDictionary<int, Response> Responses);

    private sealed record Response(string? MediaType, JsonSchema? Schema);
}
