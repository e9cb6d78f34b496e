namespace Circly.Core.Database;

/// <summary>One plain SQL migration, named by its file (e.g. 0001_schema).</summary>
public sealed record MigrationScript(string Name, string Sql)
{
    private const string ResourcePrefix = "Circly.Migrations.";

    /// <summary>The migrations shipped in this assembly, in the order they apply.</summary>
    public static IReadOnlyList<MigrationScript> All()
    {
        var assembly = typeof(MigrationScript).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                var fileName = name[ResourcePrefix.Length..^".sql".Length];
                return new MigrationScript(fileName, reader.ReadToEnd());
            })
            .ToList();
    }
}
