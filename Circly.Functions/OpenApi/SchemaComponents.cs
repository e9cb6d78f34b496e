using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Circly.Functions.Http;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Circly.Functions.OpenApi;

/// <summary>
/// JSON Schemas of the request and response records, exported by System.Text.Json from the options the
/// API serializes with, read into Microsoft.OpenApi's schema model and kept as components of the document.
/// </summary>
internal sealed class SchemaComponents(OpenApiDocument document)
{
    /// <summary>
    /// Json.Options, plus nullable annotations honoured: a string the code declares non-null is
    /// documented as never null (the API tests then check that it is not).
    /// </summary>
    private static readonly JsonSerializerOptions ExportOptions = new(Json.Options) { RespectNullableAnnotations = true };

    private readonly Dictionary<string, (Type Type, bool Response)> _exported = new(StringComparer.Ordinal);

    public Dictionary<string, IOpenApiSchema> Schemas { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A response schema: every property the serializer always writes is required, and no property
    /// beyond them is allowed, so that an undocumented field fails the check.
    /// </summary>
    public IOpenApiSchema Response(Type type) => For(type, response: true);

    /// <summary>A request schema: clients may leave fields out (the services answer VALIDATION_REQUIRED); unknown fields are ignored.</summary>
    public IOpenApiSchema Request(Type type) => For(type, response: false);

    /// <summary>A query or path value's schema (a scalar or an enum's names).</summary>
    public IOpenApiSchema Scalar(Type type) => Read(Export(type, response: false));

    private IOpenApiSchema For(Type type, bool response)
    {
        if (ItemTypeOf(type) is { } item)
        {
            return new OpenApiSchema { Type = JsonSchemaType.Array, Items = For(item, response) };
        }
        if (ExportOptions.GetTypeInfo(type).Kind != JsonTypeInfoKind.Object)
        {
            return Scalar(type);
        }
        var name = type.Name;
        if (_exported.TryGetValue(name, out var known))
        {
            if (known.Type != type || known.Response != response)
            {
                throw new InvalidOperationException($"Two schemas would be named {name}: {known.Type.FullName} and {type.FullName} (as a {(response ? "response" : "request")}).");
            }
        }
        else
        {
            _exported[name] = (type, response);
            Schemas[name] = Read(Export(type, response));
        }
        return new OpenApiSchemaReference(name, document);
    }

    private static Type? ItemTypeOf(Type type) =>
        type != typeof(string) && type.IsGenericType && type.GetGenericArguments() is [var item]
        && typeof(IEnumerable<>).MakeGenericType(item).IsAssignableFrom(type)
            ? item
            : type.IsArray ? type.GetElementType() : null;

    private static JsonNode Export(Type type, bool response)
    {
        var schema = ExportOptions.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) => Transform(context, node, response),
        });
        // The exporter names a type seen twice in one graph by a JSON pointer into that graph, which
        // would point nowhere once the schema sits in components; none of our records does it today.
        return schema.ToJsonString().Contains("\"$ref\"", StringComparison.Ordinal)
            ? throw new InvalidOperationException($"{type.Name}'s schema refers to itself; give the repeated type its own component.")
            : schema;
    }

    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode node, bool response)
    {
        // "true" (any value: object, JsonElement) as the equivalent schema object, which Microsoft.OpenApi reads.
        if (node is not JsonObject schema)
        {
            return new JsonObject();
        }
        if (!response)
        {
            // The exporter requires every constructor parameter; a client may leave any out (and gets VALIDATION_REQUIRED where it matters).
            schema.Remove("required");
        }
        else if (context.TypeInfo.Kind == JsonTypeInfoKind.Object && schema.ContainsKey("properties"))
        {
            // A property with a JsonIgnore condition (ShouldSerialize set) may be left out; the others are always written.
            var required = context.TypeInfo.Properties.Where(p => p.Get is not null && p.ShouldSerialize is null).Select(p => (JsonNode?)p.Name).ToArray();
            schema["required"] = new JsonArray(required);
            schema["additionalProperties"] = false;
        }
        return schema;
    }

    private IOpenApiSchema Read(JsonNode schema)
    {
        var parsed = OpenApiModelFactory.Parse<OpenApiSchema>(schema.ToJsonString(), OpenApiSpecVersion.OpenApi3_1, document, out var diagnostic, "json");
        return parsed is not null && diagnostic.Errors.Count == 0
            ? parsed
            : throw new InvalidOperationException("Microsoft.OpenApi could not read an exported schema: " + string.Join("; ", diagnostic.Errors.Select(e => e.Message)) + " in " + schema.ToJsonString());
    }
}
