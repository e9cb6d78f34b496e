using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.OpenApi;

/// <summary>GET /v1/openapi.json: the API's shape. Public: it holds no secret, and clients generate their types from it.</summary>
public sealed class OpenApiFunction(OpenApiDocumentSource source)
{
    public const string Name = "GetOpenApiDocument";

    [Function(Name)]
    public IResult GetOpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/openapi.json")] HttpRequest request) =>
        new OpenApiDocumentResult(source.Json);
}
