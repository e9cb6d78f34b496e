namespace Circly.Functions.Console;

/// <summary>
/// The admin console's files (Console/Assets), embedded in this assembly at build time: no CDN, no
/// file system, the same bytes under the Functions host and DevHost.
/// </summary>
public static class ConsoleAssets
{
    /// <summary>Scripts and styles from this origin only, calls to this origin only; no inline anything, no framing, no forms posting elsewhere.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly Dictionary<string, (string ContentType, byte[] Bytes)> Files = new(StringComparer.Ordinal)
    {
        [""] = ("text/html; charset=utf-8", Read("index.html")),
        ["console.js"] = ("text/javascript; charset=utf-8", Read("console.js")),
        ["console.css"] = ("text/css; charset=utf-8", Read("console.css")),
        ["favicon.svg"] = ("image/svg+xml", Read("favicon.svg")),
    };

    public static (string ContentType, byte[] Bytes)? Find(string? path) =>
        Files.TryGetValue(path is null or "index.html" ? "" : path, out var file) ? file : null;

    private static byte[] Read(string name)
    {
        using var stream = typeof(ConsoleAssets).Assembly.GetManifestResourceStream("Circly.Console." + name)
            ?? throw new InvalidOperationException($"The console file {name} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
