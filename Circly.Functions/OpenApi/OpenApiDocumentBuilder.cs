using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Circly.Core.Errors;
using Circly.Functions.Http;
using Microsoft.OpenApi;

namespace Circly.Functions.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document: paths and methods from functions.metadata (what the host dispatches),
/// everything else from each function's ApiContract, schemas from the records themselves.
/// </summary>
public static partial class OpenApiDocumentBuilder
{
    public const string DeviceToken = "deviceToken";
    public const string AdminToken = "adminToken";
    public const string FunctionKey = "functionKey";
    public const string MasterKey = "masterKey";

    /// <summary>The function an operation is served by; the host tries functions in the order of these names.</summary>
    public const string FunctionExtension = "x-function";

    private const string Json = "application/json";

    public static OpenApiDocument Build(IReadOnlyList<FunctionMetadata> functions, IReadOnlyDictionary<string, ApiContract> contracts)
    {
        var document = new OpenApiDocument
        {
            Info = new OpenApiInfo
            {
                Title = "Circly API",
                Version = ResponseHeaders.ApiVersion,
                Description = "Every JSON answer is the envelope {success, data | error, meta}. Rules, limits and the reasons behind them: docs/API.md.",
            },
            Paths = [],
        };
        var schemas = new SchemaComponents(document);
        var envelope = schemas.Response(typeof(Envelope));
        foreach (var function in functions.Where(f => f.IsHttp).OrderBy(f => f.Route, StringComparer.Ordinal).ThenBy(f => f.Name, StringComparer.Ordinal))
        {
            var contract = contracts.TryGetValue(function.Name, out var found) ? found
                : throw new InvalidOperationException($"Function {function.Name} has no entry in ApiContracts.");
            if (contract.NotDocumentedBecause is not null)
            {
                continue;
            }
            var path = "/" + PathParameter().Replace(function.Route!, match => "{" + match.Groups["name"].Value + "}");
            if (!document.Paths.TryGetValue(path, out var item))
            {
                item = new OpenApiPathItem();
                document.Paths[path] = item;
            }
            foreach (var method in function.Methods)
            {
                var pathItem = (OpenApiPathItem)item;
                pathItem.Operations ??= [];
                // operationId must be unique: a function with several methods names the others after their method (GetHealth, GetHealthHead).
                var operationId = method == function.Methods[0] ? function.Name : function.Name + char.ToUpperInvariant(method[0]) + method[1..];
                var operation = Operation(function, operationId, contract, schemas, envelope, document);
                if (method == "head")
                {
                    // HEAD answers the GET's statuses and headers without a body.
                    foreach (var response in operation.Responses!.Values.OfType<OpenApiResponse>())
                    {
                        response.Content = null;
                    }
                }
                pathItem.Operations[new HttpMethod(method.ToUpperInvariant())] = operation;
            }
        }
        document.Components = new OpenApiComponents
        {
            Schemas = schemas.Schemas,
            SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [DeviceToken] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
                    Description = "The device's access token from /v1/auth/device-login, /v1/auth/refresh or /v1/auth/transfer.",
                },
                [AdminToken] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
                    Description = "An Entra ID access token for the admin API's audience, with the app role the operation names (\"admin\" has every role).",
                },
                [FunctionKey] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "x-functions-key",
                    Description = "A function key (or the master key); the Functions host checks it before the function runs. ?code= works too.",
                },
                [MasterKey] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "x-functions-key",
                    Description = "The Functions host's master key, checked by the host before the function runs.",
                },
            },
        };
        return document;
    }

    private static OpenApiOperation Operation(FunctionMetadata function, string operationId, ApiContract contract, SchemaComponents schemas, IOpenApiSchema envelope, OpenApiDocument document)
    {
        var operation = new OpenApiOperation
        {
            OperationId = operationId,
            Extensions = new Dictionary<string, IOpenApiExtension> { [FunctionExtension] = new JsonNodeExtension(JsonValue.Create(function.Name)) },
            Summary = contract.Summary,
            Tags = new HashSet<OpenApiTagReference> { new(Tag(function.Route!), document) },
            Parameters = [],
            Responses = [],
        };
        foreach (Match parameter in PathParameter().Matches(function.Route!))
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = parameter.Groups["name"].Value, In = ParameterLocation.Path, Required = true,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
        foreach (var query in contract.QueryParameters)
        {
            operation.Parameters.Add(new OpenApiParameter { Name = query.Name, In = ParameterLocation.Query, Schema = schemas.Scalar(query.Type) });
        }
        if (contract.Request is { } request)
        {
            operation.RequestBody = new OpenApiRequestBody { Required = true, Content = JsonContent(schemas.Request(request)) };
        }
        if (Security(contract.Auth) is { } scheme)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] }];
        }
        foreach (var success in contract.Successes)
        {
            operation.Responses[Status(success.Status)] = contract.Body switch
            {
                ApiBody.Html => new OpenApiResponse { Description = "An HTML page.", Content = new Dictionary<string, IOpenApiMediaType> { ["text/html"] = new OpenApiMediaType() } },
                ApiBody.Json => new OpenApiResponse { Description = "A JSON document.", Content = JsonContent(new OpenApiSchema { Type = JsonSchemaType.Object }) },
                _ => new OpenApiResponse { Description = "Success, in the envelope.", Content = JsonContent(SuccessEnvelope(envelope, schemas.Response(success.Data!), success.Paged ? schemas.Response(typeof(Pagination)) : null)) },
            };
        }
        if (contract.Conditional)
        {
            operation.Responses[Status(StatusCodes.Status304NotModified)] = new OpenApiResponse { Description = "Unchanged since the ETag sent in If-None-Match; no body." };
        }
        if (contract.Auth is ApiAuth.FunctionKey or ApiAuth.MasterKey)
        {
            operation.Responses[Status(StatusCodes.Status401Unauthorized)] = new OpenApiResponse { Description = "The host refused a missing or wrong key; no body." };
        }
        if (contract.Body == ApiBody.Html)
        {
            foreach (var status in ErrorStatuses(contract))
            {
                operation.Responses[Status(status)] = new OpenApiResponse { Description = "An error page.", Content = new Dictionary<string, IOpenApiMediaType> { ["text/html"] = new OpenApiMediaType() } };
            }
        }
        else if (contract.Body == ApiBody.Envelope)
        {
            foreach (var (status, codes) in ErrorCodesByStatus(contract))
            {
                var data = status == StatusCodes.Status503ServiceUnavailable && contract.UnavailableData is { } unavailable ? schemas.Response(unavailable) : null;
                operation.Responses[Status(status)] = new OpenApiResponse
                {
                    Description = string.Join(", ", codes),
                    Content = JsonContent(ErrorEnvelope(envelope, codes, data)),
                };
            }
        }
        return operation;
    }

    /// <summary>
    /// The operation's error codes by status: its own, and those its auth, its input and the
    /// pipeline (size limit, rate limit, outage, bug) can answer.
    /// </summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<string>> ErrorCodesByStatus(ApiContract contract)
    {
        if (contract.Body == ApiBody.Json)
        {
            return new Dictionary<int, IReadOnlyList<string>>();
        }
        var codes = new List<string>(contract.ErrorCodes) { ErrorCodes.RequestTooLarge, ErrorCodes.InternalError, ErrorCodes.ServiceUnavailable };
        // A token that does not authenticate counts against the caller's address, so these can be limited too.
        if (contract.RateLimited)
        {
            codes.Add(ErrorCodes.RateLimitExceeded);
        }
        codes.AddRange(contract.Auth switch
        {
            ApiAuth.Device => [ErrorCodes.AuthInvalidToken, ErrorCodes.AuthTokenExpired, ErrorCodes.AuthDeviceBanned],
            ApiAuth.Admin => [ErrorCodes.AuthInvalidToken, ErrorCodes.AuthTokenExpired, ErrorCodes.AdminForbidden],
            _ => [],
        });
        if (contract.Request is not null)
        {
            codes.AddRange([ErrorCodes.ValidationRequired, ErrorCodes.ValidationInvalidFormat, ErrorCodes.ValidationOutOfRange]);
        }
        if (contract.QueryParameters.Count > 0)
        {
            codes.AddRange([ErrorCodes.ValidationInvalidFormat, ErrorCodes.ValidationOutOfRange]);
        }
        return codes.Distinct(StringComparer.Ordinal)
            .GroupBy(ErrorStatus.For)
            .OrderBy(group => group.Key)
            .ToDictionary(group => group.Key, group => (IReadOnlyList<string>)[.. group.Order(StringComparer.Ordinal)]);
    }

    private static IEnumerable<int> ErrorStatuses(ApiContract contract) =>
        ErrorCodesByStatus(contract).Keys.Where(status => status is StatusCodes.Status429TooManyRequests or >= StatusCodes.Status500InternalServerError);

    private static OpenApiSchema SuccessEnvelope(IOpenApiSchema envelope, IOpenApiSchema data, IOpenApiSchema? pagination)
    {
        var shape = new OpenApiSchema
        {
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["success"] = new OpenApiSchema { Enum = [JsonValue.Create(true)] },
                ["data"] = data,
            },
            Required = new HashSet<string> { "data" },
        };
        if (pagination is not null)
        {
            shape.Properties["meta"] = new OpenApiSchema
            {
                Properties = new Dictionary<string, IOpenApiSchema> { ["pagination"] = pagination },
                Required = new HashSet<string> { "pagination" },
            };
        }
        return new OpenApiSchema { AllOf = [envelope, shape] };
    }

    private static OpenApiSchema ErrorEnvelope(IOpenApiSchema envelope, IReadOnlyList<string> codes, IOpenApiSchema? data)
    {
        var shape = new OpenApiSchema
        {
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["success"] = new OpenApiSchema { Enum = [JsonValue.Create(false)] },
                ["error"] = new OpenApiSchema
                {
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. codes.Select(code => (JsonNode)JsonValue.Create(code))] },
                    },
                },
            },
            Required = new HashSet<string> { "error" },
        };
        if (data is not null)
        {
            shape.Properties["data"] = data;
        }
        return new OpenApiSchema { AllOf = [envelope, shape] };
    }

    private static Dictionary<string, IOpenApiMediaType> JsonContent(IOpenApiSchema schema) => new() { [Json] = new OpenApiMediaType { Schema = schema } };

    private static string? Security(ApiAuth auth) => auth switch
    {
        ApiAuth.Device => DeviceToken,
        ApiAuth.Admin => AdminToken,
        ApiAuth.FunctionKey => FunctionKey,
        ApiAuth.MasterKey => MasterKey,
        _ => null,
    };

    private static string Status(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"v1/admin/bans" → admin, "v1/polls/{id}" → polls, "health/detailed" → health.</summary>
    private static string Tag(string route)
    {
        var segments = route.Split('/');
        return segments[0] == "v1" && segments.Length > 1 ? segments[1] : segments[0];
    }

    /// <summary>{id}, {id:guid}, {id?}: the parameter's name.</summary>
    [GeneratedRegex(@"\{\*?(?<name>[A-Za-z0-9_]+)(:[^}?]*)?\??\}")]
    private static partial Regex PathParameter();
}
