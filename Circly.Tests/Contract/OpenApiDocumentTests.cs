using System.Net;
using System.Text.Json;
using Circly.Functions.Http;
using Circly.Functions.OpenApi;
using Circly.Tests.Infrastructure;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Circly.Tests.Contract;

/// <summary>GET /v1/openapi.json: an OpenAPI 3.1 document of every HTTP function, made from functions.metadata and ApiContracts.</summary>
public sealed class OpenApiDocumentTests(CirclyStack stack)
{
    private static readonly IReadOnlyList<FunctionMetadata> Metadata = FunctionsMetadata.Read(Path.Combine(AppContext.BaseDirectory, FunctionsMetadata.FileName));

    [Fact]
    public void EveryHttpFunctionInFunctionsMetadataHasAContract()
    {
        var missing = Metadata.Where(f => f.IsHttp && !ApiContracts.ByFunction.ContainsKey(f.Name)).Select(f => f.Name);

        Assert.Empty(missing);
    }

    [Fact]
    public void EveryContractNamesAnHttpFunctionThatExists()
    {
        var http = Metadata.Where(f => f.IsHttp).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

        var strays = ApiContracts.ByFunction.Keys.Where(name => !http.Contains(name)).ToList();

        Assert.Empty(strays);
    }

    [Fact]
    public void BuildingRefusesAFunctionWithoutAContract()
    {
        var unknown = new FunctionMetadata("SomethingNew", "httpTrigger", "v1/something-new", ["get"], "Anonymous");

        var failure = Assert.Throws<InvalidOperationException>(() => OpenApiDocumentBuilder.Build([.. Metadata, unknown], ApiContracts.ByFunction));
        Assert.Contains("SomethingNew", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDocumentIsServedPubliclyAsJsonWithTheCommonHeaders()
    {
        using var response = await stack.Client.Http.GetAsync(ApiClient.DocumentPath, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ResponseHeaders.ApiVersion, response.Headers.GetValues(ResponseHeaders.ApiVersionHeader).Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task TheDocumentReadsAsOpenApi31WithoutErrorsOrRuleViolations()
    {
        var (document, diagnostic) = await ServedAsync();

        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, diagnostic.SpecificationVersion);
        Assert.Empty(diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Empty(document.Validate(ValidationRuleSet.GetDefaultRuleSet()).Select(e => $"{e.Pointer}: {e.Message}"));
    }

    [Fact]
    public async Task TheDocumentPassesAnIndependentOpenApi31SchemaValidator()
    {
        var file = Path.Combine(Path.GetTempPath(), $"circly-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await ServedTextAsync(), TestContext.Current.CancellationToken);
        try
        {
            var output = await ProcessRunner.RunForOutputAsync("node", [Path.Combine(RepoPaths.Root, "Circly.Tests", "Contract", "validate-openapi.mjs"), file], TimeSpan.FromMinutes(1));

            using var result = JsonDocument.Parse(output);
            Assert.Equal("3.1", result.RootElement.GetProperty("version").GetString());
            Assert.True(result.RootElement.GetProperty("valid").GetBoolean(), output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task EveryRouteAndMethodTheHostServesIsAnOperationOfItsFunction()
    {
        var (document, _) = await ServedAsync();
        var documented = document.Paths.SelectMany(path => path.Value.Operations!.Select(operation =>
            $"{operation.Key.Method} {path.Key} {((JsonNodeExtension)operation.Value.Extensions![OpenApiDocumentBuilder.FunctionExtension]).Node}")).Order(StringComparer.Ordinal);
        var served = Metadata.Where(f => f.IsHttp && ApiContracts.ByFunction[f.Name].NotDocumentedBecause is null)
            .SelectMany(f => f.Methods.Select(method => $"{method.ToUpperInvariant()} /{f.Route} {f.Name}")).Order(StringComparer.Ordinal);

        Assert.Equal(served, documented);
    }

    [Fact]
    public async Task OperationIdsAreUniqueEvenWhereAFunctionServesTwoMethods()
    {
        var (document, _) = await ServedAsync();
        var ids = document.Paths.SelectMany(path => path.Value.Operations!.Values.Select(operation => operation.OperationId!)).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("GetHealthHead", document.Paths["/health"].Operations![HttpMethod.Head].OperationId);
    }

    [Fact]
    public async Task OperationsStateTheirAuthScheme()
    {
        var (document, _) = await ServedAsync();

        Assert.Equal(OpenApiDocumentBuilder.DeviceToken, SchemeOf(document, "/v1/polls/{id}", HttpMethod.Get));
        Assert.Equal(OpenApiDocumentBuilder.AdminToken, SchemeOf(document, "/v1/admin/bans", HttpMethod.Get));
        Assert.Equal(OpenApiDocumentBuilder.FunctionKey, SchemeOf(document, "/health/detailed", HttpMethod.Get));
        Assert.Equal(OpenApiDocumentBuilder.MasterKey, SchemeOf(document, "/v1/ops/queues/{queue}/replay-poison", HttpMethod.Post));
        Assert.Null(SchemeOf(document, "/v1/auth/device-login", HttpMethod.Post));
        Assert.Null(SchemeOf(document, "/v1/openapi.json", HttpMethod.Get));
    }

    [Fact]
    public async Task ErrorCodesAreListedUnderTheStatusTheErrorTableGivesThem()
    {
        var (document, _) = await ServedAsync();
        var vote = document.Paths["/v1/polls/{id}/vote"].Operations![HttpMethod.Post];

        Assert.Contains("POLL_ALREADY_VOTED", vote.Responses!["409"].Description, StringComparison.Ordinal);
        Assert.Contains("AUTH_TOKEN_EXPIRED", vote.Responses["401"].Description, StringComparison.Ordinal);
        Assert.Contains("VALIDATION_REQUIRED", vote.Responses["400"].Description, StringComparison.Ordinal);
        Assert.Contains("RATE_LIMIT_EXCEEDED", vote.Responses["429"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordsAreComponentsWithTheApisCamelCaseNamesAndEnumsByName()
    {
        var (document, _) = await ServedAsync();
        var schemas = document.Components!.Schemas!;

        Assert.Contains("pollId", schemas["VoteReceipt"].Properties!.Keys);
        Assert.Contains("success", schemas["Envelope"].Properties!.Keys);
        Assert.Equal(["active", "all", "closed"], document.Paths["/v1/polls"].Operations![HttpMethod.Get].Parameters!
            .Single(p => p.Name == "status").Schema!.Enum!.Select(e => e!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    private static string? SchemeOf(OpenApiDocument document, string path, HttpMethod method) =>
        document.Paths[path].Operations![method].Security?.SelectMany(requirement => requirement.Keys).Select(scheme => scheme.Reference.Id).SingleOrDefault();

    private async Task<string> ServedTextAsync()
    {
        using var response = await stack.Client.Http.GetAsync(ApiClient.DocumentPath, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    private async Task<(OpenApiDocument Document, OpenApiDiagnostic Diagnostic)> ServedAsync()
    {
        var result = OpenApiDocument.Parse(await ServedTextAsync(), "json");
        return (result.Document!, result.Diagnostic!);
    }
}
