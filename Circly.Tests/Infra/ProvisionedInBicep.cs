using System.Text.RegularExpressions;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Infra;

/// <summary>What infra/ provisions: the app settings and the queues, tables and blob containers.</summary>
public static partial class ProvisionedInBicep
{
    public static string InfraDirectory => Path.Combine(RepoPaths.Root, "infra");

    public static BicepText MainBicep() => new(Path.Combine(InfraDirectory, "main.bicep"));

    /// <summary>The keys of <c>var appSettings = {...}</c> between the APP SETTINGS markers of main.bicep.</summary>
    public static IReadOnlyList<string> AppSettings()
    {
        var main = MainBicep();
        var start = main.Text.IndexOf("// APP SETTINGS", StringComparison.Ordinal);
        var end = start < 0 ? -1 : main.Text.IndexOf("// END APP SETTINGS", start, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new FormatException("infra/main.bicep has no '// APP SETTINGS' ... '// END APP SETTINGS' markers.");
        }
        var declaration = AppSettingsDeclaration().Match(main.Code, start, end - start);
        if (!declaration.Success)
        {
            throw main.Unreadable(start, "'var appSettings = {' between the APP SETTINGS markers");
        }
        return main.Members(declaration.Index + declaration.Length - 1).Select(member => member.Key).ToList();
    }

    /// <summary>
    /// Every storage queue, table and blob container resource in infra/ (resource type ending in
    /// /queues, /tables or /containers, or the nested 'queues', 'tables', 'containers'), with its
    /// name resolved: a literal, or a loop over a module param, followed to what main.bicep passes.
    /// </summary>
    public static ILookup<string, string> StorageNames()
    {
        var names = new List<(string Kind, string Name)>();
        foreach (var file in Directory.EnumerateFiles(InfraDirectory, "*.bicep", SearchOption.AllDirectories))
        {
            var bicep = new BicepText(file);
            foreach (Match resource in StorageResource().Matches(bicep.Code))
            {
                var type = bicep.Text.Substring(resource.Groups["type"].Index + 1, resource.Groups["type"].Length - 2).Split('@')[0];
                var kind = type.Split('/')[^1];
                if (kind is not ("queues" or "tables" or "containers") || (type.Contains('/', StringComparison.Ordinal) && !type.StartsWith("Microsoft.Storage/", StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }
                names.AddRange(ResourceNames(bicep, resource.Index + resource.Length).Select(name => (kind, name)));
            }
        }
        return names.Distinct().ToLookup(n => n.Kind, n => n.Name);
    }

    private static IEnumerable<string> ResourceNames(BicepText bicep, int body)
    {
        var loop = ResourceLoop().Match(bicep.Code, body);
        if (loop.Success)
        {
            var item = loop.Groups["item"].Value;
            var name = bicep.Member(loop.Index + loop.Length - 1, "name") ?? throw bicep.Unreadable(body, "a name");
            if (bicep.Code[name.Start..name.End].Trim() != item)
            {
                throw bicep.Unreadable(name.Start, $"name: {item}");
            }
            return ValuesOf(bicep, loop.Groups["source"].Value, loop.Groups["source"].Index);
        }
        var single = SingleResource().Match(bicep.Code, body);
        if (!single.Success)
        {
            throw bicep.Unreadable(body, "a resource body '{' or '[for x in y: {'");
        }
        var literal = bicep.Member(single.Index + single.Length - 1, "name") ?? throw bicep.Unreadable(body, "a name");
        return bicep.Strings(literal.Start, literal.End);
    }

    // A loop source is a var of the file, or a param of a module: then what main.bicep passes it.
    private static IReadOnlyList<string> ValuesOf(BicepText bicep, string identifier, int at)
    {
        if (Path.GetFileName(bicep.Path) == "main.bicep" || !new Regex($@"^[ \t]*param[ \t]+{identifier}\b", RegexOptions.Multiline).IsMatch(bicep.Code))
        {
            return bicep.Strings(at, at + identifier.Length);
        }
        var main = MainBicep();
        var relativePath = Path.GetRelativePath(InfraDirectory, bicep.Path).Replace('\\', '/');
        foreach (Match module in ModuleDeclaration().Matches(main.Code))
        {
            var path = main.Text.Substring(module.Groups["path"].Index + 1, module.Groups["path"].Length - 2);
            if (path != relativePath)
            {
                continue;
            }
            var parameters = main.Member(module.Index + module.Length - 1, "params");
            var passed = parameters is { } p && main.Code[p.Start] == '{' ? main.Member(p.Start, identifier) : null;
            return passed is { } value ? main.Strings(value.Start, value.End) : bicep.Strings(at, at + identifier.Length);
        }
        throw bicep.Unreadable(at, $"a module '{relativePath}' in main.bicep passing {identifier}");
    }

    [GeneratedRegex(@"\bvar\s+appSettings\s*=\s*\{")]
    private static partial Regex AppSettingsDeclaration();

    [GeneratedRegex(@"(?m)^[ \t]*resource\s+\w+\s+(?<type>'[^']*')\s*=\s*")]
    private static partial Regex StorageResource();

    [GeneratedRegex(@"\G\[\s*for\s+(?<item>\w+)\s+in\s+(?<source>\w+)\s*:\s*(?:if\s*\([^\n]*\)\s*)?\{")]
    private static partial Regex ResourceLoop();

    [GeneratedRegex(@"\G(?:if\s*\([^\n]*\)\s*)?\{")]
    private static partial Regex SingleResource();

    [GeneratedRegex(@"(?m)^[ \t]*module\s+\w+\s+(?<path>'[^']*')\s*=\s*(?:if\s*\([^\n]*\)\s*)?\{")]
    private static partial Regex ModuleDeclaration();
}
