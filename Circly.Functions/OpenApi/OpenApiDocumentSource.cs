using System.Text;
using Microsoft.OpenApi;

namespace Circly.Functions.OpenApi;

/// <summary>The document, built once from functions.metadata and ApiContracts and kept as UTF-8 JSON.</summary>
public sealed class OpenApiDocumentSource
{
    private readonly Lazy<byte[]> _json;

    public OpenApiDocumentSource(string functionsMetadataPath) =>
        _json = new Lazy<byte[]>(() => Serialize(OpenApiDocumentBuilder.Build(FunctionsMetadata.Read(functionsMetadataPath), ApiContracts.ByFunction)));

    public byte[] Json => _json.Value;

    public static byte[] Serialize(OpenApiDocument document)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        document.SerializeAsV31(new OpenApiJsonWriter(text));
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
