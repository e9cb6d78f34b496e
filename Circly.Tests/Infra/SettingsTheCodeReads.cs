using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.RegularExpressions;
using Circly.Core.Database;
using Circly.DevHost;
using Circly.Functions;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Infra;

/// <summary>
/// A setting the product reads, named as an app setting (sections joined by "__").
/// <paramref name="IsSection"/>: a list or dictionary, provisioned as Name__0, Name__key, ...
/// <paramref name="Required"/>: the app cannot start without it.
/// </summary>
public sealed record SettingRead(string Name, string Source, bool Required, bool IsSection = false)
{
    public override string ToString() => $"{Name} ({Source})";
}

/// <summary>
/// The settings Circly.Core and Circly.Functions read, found in the code itself: options classes
/// (a <c>public const string Section</c>), %SETTING% binding expressions in triggers, and
/// configuration["..."] reads in the source.
/// </summary>
public static partial class SettingsTheCodeReads
{
    public static readonly Assembly[] ProductAssemblies = [typeof(DatabaseOptions).Assembly, typeof(CirclyApplication).Assembly];

    public static readonly string[] ProductSourceDirectories = ["Circly.Core", "Circly.Functions"];

    public static IReadOnlyList<SettingRead> All() =>
        [.. FromOptionsClasses().Concat(FromTriggerBindingExpressions()).Concat(FromDirectReads())
            .GroupBy(read => read.Name, StringComparer.OrdinalIgnoreCase)
            .Select(reads => reads.First() with
            {
                Source = string.Join(", ", reads.Select(read => read.Source).Distinct()),
                Required = reads.Any(read => read.Required),
            })
            .OrderBy(read => read.Name, StringComparer.Ordinal)];

    /// <summary>Section__Property for each public settable property of each options class; nested classes recurse.</summary>
    public static IEnumerable<SettingRead> FromOptionsClasses() =>
        from type in ProductAssemblies.SelectMany(assembly => assembly.GetTypes())
        where type is { IsClass: true, IsAbstract: false }
        let section = type.GetField("Section", BindingFlags.Public | BindingFlags.Static)
        where section is { IsLiteral: true } && section.FieldType == typeof(string)
        from read in Properties((string)section.GetRawConstantValue()!, type, type.Name, depth: 0)
        select read;

    private static IEnumerable<SettingRead> Properties(string prefix, Type type, string source, int depth)
    {
        if (depth > 5)
        {
            throw new InvalidOperationException($"{source}: options nested deeper than 5 levels (a cycle?)");
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue;
            }
            var name = $"{prefix}__{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var required = property.GetCustomAttribute<RequiredAttribute>() is not null;
            if (propertyType == typeof(string) || propertyType.IsValueType || TypeDescriptor.GetConverter(propertyType).CanConvertFrom(typeof(string)))
            {
                yield return new SettingRead(name, $"{source}.{property.Name}", required);
            }
            else if (typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                yield return new SettingRead(name, $"{source}.{property.Name}", required, IsSection: true);
            }
            else
            {
                foreach (var nested in Properties(name, propertyType, $"{source}.{property.Name}", depth + 1))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>Every %SETTING% in a timer schedule (or a queue name) of a function in Circly.Functions: no default, the host needs it.</summary>
    public static IEnumerable<SettingRead> FromTriggerBindingExpressions() =>
        from function in FunctionCatalog.Discover([typeof(CirclyApplication).Assembly])
        let expression = function.Trigger switch
        {
            TriggerKind.Timer => function.Schedule,
            TriggerKind.Queue => function.QueueName,
            _ => null,
        }
        where expression is not null
        from Match match in BindingExpression().Matches(expression)
        select new SettingRead(match.Groups[1].Value.Replace(":", "__", StringComparison.Ordinal), $"[{function.Trigger}Trigger] of {function.Name}", Required: true);

    /// <summary>
    /// configuration["X"], builder.Configuration["X"], configuration.GetValue&lt;T&gt;("X") in the
    /// product's source, and configuration[Constant] where the constant is a string const of a
    /// product type (e.g. StorageClients.Setting, "AzureWebJobsStorage").
    /// </summary>
    public static IEnumerable<SettingRead> FromDirectReads() => DirectReads().Resolved;

    /// <summary>configuration[...] reads whose key the test could not resolve to a string.</summary>
    public static IReadOnlyList<string> UnresolvedDirectReads() => DirectReads().Unresolved;

    private static (List<SettingRead> Resolved, List<string> Unresolved) DirectReads()
    {
        var resolved = new List<SettingRead>();
        var unresolved = new List<string>();
        foreach (var file in ProductSourceFiles())
        {
            var relative = Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/');
            var source = File.ReadAllText(file);
            foreach (Match read in ConfigurationRead().Matches(source))
            {
                var line = source.AsSpan(0, read.Index).Count('\n') + 1;
                var key = read.Groups["literal"].Success
                    ? read.Groups["literal"].Value
                    : Constant(read.Groups["constant"].Value, Path.GetFileNameWithoutExtension(file));
                if (key is null)
                {
                    unresolved.Add($"{relative}:{line}: {read.Value}");
                    continue;
                }
                resolved.Add(new SettingRead(key.Replace(":", "__", StringComparison.Ordinal), $"{relative}:{line}", Required: false));
            }
        }
        return (resolved, unresolved);
    }

    public static IEnumerable<string> ProductSourceFiles() =>
        ProductSourceDirectories
            .SelectMany(directory => Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, directory), "*.cs", SearchOption.AllDirectories))
            .Where(file => !Path.GetRelativePath(RepoPaths.Root, file).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal);

    // "Type.Name" or "Name": a string const of a product type; unqualified, the file's own type
    // first (StorageClients.cs: Setting), else the one const of that name in the product.
    private static string? Constant(string expression, string fileType)
    {
        var parts = expression.Split('.');
        var member = parts[^1];
        var constants = ProductAssemblies
            .SelectMany(assembly => assembly.GetTypes())
            .Select(type => (Type: type, Field: type.GetField(member, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)))
            .Where(c => c.Field is { IsLiteral: true } && c.Field.FieldType == typeof(string))
            .Select(c => (c.Type.Name, Value: (string)c.Field!.GetRawConstantValue()!))
            .ToList();
        if (parts.Length > 1)
        {
            return constants.Where(c => c.Name == parts[^2]).Select(c => c.Value).FirstOrDefault();
        }
        var own = constants.Where(c => c.Name == fileType).Select(c => c.Value).FirstOrDefault();
        var values = constants.Select(c => c.Value).Distinct().ToList();
        return own ?? (values.Count == 1 ? values[0] : null);
    }

    [GeneratedRegex(@"%([^%\s]+)%")]
    private static partial Regex BindingExpression();

    [GeneratedRegex(@"[Cc]onfiguration\s*(?:\[\s*(?:""(?<literal>[^""]+)""|(?<constant>[A-Za-z_][\w.]*))\s*\]|\.GetValue\s*(?:<[^>()]*>)?\s*\(\s*""(?<literal>[^""]+)"")")]
    private static partial Regex ConfigurationRead();
}
