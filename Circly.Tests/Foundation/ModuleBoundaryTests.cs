using System.Reflection;
using System.Text.RegularExpressions;
using Circly.Core.Database;
using Circly.Tests.Infrastructure;
using Dapper;
using NetArchTest.Rules;
using Npgsql;

namespace Circly.Tests.Foundation;

/// <summary>
/// A module reaches another only through its service: never its data access code, never its
/// tables. Both rules are checked on the code itself, so a shortcut fails here, not in review.
/// </summary>
public sealed partial class ModuleBoundaryTests(CirclyStack stack)
{
    private static readonly Assembly Core = typeof(SchemaMigrator).Assembly;

    /// <summary>Who owns each table: the only module whose SQL may name it. A new table must be added here.</summary>
    private static readonly Dictionary<string, string> TableOwners = new()
    {
        ["users"] = "Users",
        ["user_time_zones"] = "Users",
        ["push_tokens"] = "Users",
        ["refresh_tokens"] = "Auth",
        ["banned_devices"] = "Auth",
        ["circles"] = "Circles",
        ["circle_members"] = "Circles",
        ["blocks"] = "Circles",
        ["active_circle_members"] = "Circles",
        ["user_separations"] = "Circles",
        ["transfer_codes"] = "Auth",
        ["share_cards"] = "Sharing",
        ["question_templates"] = "Templates",
        ["polls"] = "Polls",
        ["poll_options"] = "Polls",
        ["poll_participations"] = "Polls",
        ["poll_closing"] = "Polls",
        ["notification_settings"] = "Notifications",
        ["notification_daily_counts"] = "Notifications",
        ["inbox_entries"] = "Notifications",
        ["push_claims"] = "Notifications",
        ["outbox_events"] = "Outbox",
        ["outbox_event_batches"] = "Outbox",
        ["rate_limit_counters"] = "RateLimiting",
        ["schema_migrations"] = "Database",
        ["reports"] = "Reports",
        ["admin_audit_log"] = "Admin",
        ["analytics_events"] = "Analytics",
        ["analytics_period_keys"] = "Analytics",
        ["analytics_daily"] = "Analytics",
    };

    /// <summary>Read-only views a module publishes for others, and who may read them.</summary>
    private static readonly Dictionary<string, string[]> PublishedViews = new()
    {
        ["user_time_zones"] = ["Notifications"],
        ["active_circle_members"] = ["Polls"],
        ["user_separations"] = ["Polls"],
    };

    /// <summary>The shared kernel: every module may use these namespaces.</summary>
    private static readonly string[] SharedKernel = ["Database", "Errors", "Storage", "Outbox", "Health", "Text"];

    public static TheoryData<string> Modules() => [.. ModuleNames()];

    [Theory]
    [MemberData(nameof(Modules))]
    public void AModuleUsesNoOtherModulesInternalTypes(string module)
    {
        var othersInternals = Core.GetTypes()
            .Where(t => !t.IsPublic && !t.IsNestedPublic && ModuleOf(t) is { } owner && owner != module && !SharedKernel.Contains(owner))
            .Where(t => !t.Name.StartsWith('<'))
            .Select(t => t.FullName!)
            .ToArray();

        var result = Types.InAssembly(Core).That().ResideInNamespace($"Circly.Core.{module}")
            .ShouldNot().HaveDependencyOnAny(othersInternals)
            .GetResult();

        Assert.True(result.IsSuccessful, $"{module} reaches into another module: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public async Task EveryTableHasAnOwningModule()
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        // A partition (analytics_events' months) belongs to its table's owner.
        var tables = await connection.QueryAsync<string>("""
            SELECT table_name FROM information_schema.tables t
            WHERE table_schema = 'public'
              AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.relname = t.table_name AND c.relispartition)
            """);

        var unowned = tables.Where(t => !TableOwners.ContainsKey(t)).ToList();

        Assert.True(unowned.Count == 0, "Tables without an owning module: " + string.Join(", ", unowned));
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void AModulesSqlNamesOnlyItsOwnTables(string module)
    {
        var folder = Path.Combine(RepoPaths.Root, "Circly.Core", module);
        var foreign = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => TableReference().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetFileName(file), Table: m.Groups["table"].Value)))
            .Where(r => TableOwners.TryGetValue(r.Table, out var owner) && owner != module
                && !(PublishedViews.TryGetValue(r.Table, out var readers) && readers.Contains(module)))
            .Select(r => $"{r.File} names {r.Table} ({TableOwners[r.Table]})")
            .Distinct()
            .ToList();

        Assert.True(foreign.Count == 0, string.Join("\n", foreign));
    }

    private static IEnumerable<string> ModuleNames() =>
        Directory.EnumerateDirectories(Path.Combine(RepoPaths.Root, "Circly.Core"))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name is not ("bin" or "obj") && !SharedKernel.Contains(name) && Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "Circly.Core", name), "*.cs").Any())
            .Order();

    private static string? ModuleOf(Type type) =>
        type.Namespace is { } ns && ns.StartsWith("Circly.Core.", StringComparison.Ordinal) ? ns["Circly.Core.".Length..].Split('.')[0] : null;

    // A table named after FROM, JOIN, INTO, UPDATE or TABLE in SQL text (a following "(" marks a function).
    [GeneratedRegex(@"\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+(?<table>[a-z_][a-z0-9_]*)\b(?!\()")]
    private static partial Regex TableReference();
}
