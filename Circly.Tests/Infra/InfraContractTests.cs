using System.Text.Json;
using Circly.Core.Storage;
using Circly.DevHost;
using Circly.Functions;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Infra;

/// <summary>
/// infra/main.bicep and local.settings.sample.json agree with the code: every setting the code
/// reads is provisioned (and in the sample when it has no default), and Bicep creates exactly
/// the queues, tables and containers of StorageNames. Settings provisioned but not read yet are
/// allowed (features land after their infra); unused storage is not.
/// </summary>
public sealed class InfraContractTests
{
    // Flex Consumption deploys the app package to this container (infra/main.bicep,
    // deploymentContainerName); the host uses it, the code never does.
    private const string DeploymentContainer = "app-package";

    // In Azure the host and StorageClients reach storage by identity, not a connection string.
    private static readonly string[] IdentityBasedStorageSettings =
        [.. new[] { "queueServiceUri", "tableServiceUri", "blobServiceUri", "clientId" }.Select(key => $"{StorageClients.Setting}__{key}")];

    // Local-only: Core Tools needs the worker runtime; the storage connection string is checked
    // above through its identity-based form, which Azure uses instead.
    private static readonly string[] SampleOnlySettings = ["FUNCTIONS_WORKER_RUNTIME", StorageClients.Setting];

    [Fact]
    public void EverySettingTheCodeReadsIsProvisionedByMainBicep()
    {
        var provisioned = ProvisionedInBicep.AppSettings();

        var missing = SettingsTheCodeReads.All().Where(read => !IsProvisioned(read, provisioned)).ToList();
        var unresolved = SettingsTheCodeReads.UnresolvedDirectReads();

        Assert.True(missing.Count == 0 && unresolved.Count == 0,
            "The code reads settings that infra/main.bicep does not provision (add them to var appSettings):\n  " +
            (missing.Count == 0 ? "none" : string.Join("\n  ", missing)) +
            "\nReads of a setting this test cannot name (use a string literal or a const of a product type):\n  " +
            (unresolved.Count == 0 ? "none" : string.Join("\n  ", unresolved)));
    }

    [Fact]
    public void BicepProvisionsExactlyTheQueuesTheCodeUses()
    {
        var triggers = FunctionCatalog.Discover([typeof(CirclyApplication).Assembly])
            .Where(function => function.Trigger == TriggerKind.Queue && !function.QueueName!.Contains('%', StringComparison.Ordinal))
            .Select(function => function.QueueName!);
        var queues = StorageNames.Queues.Concat(triggers).Distinct().ToList();
        var used = queues.Concat(queues.Select(StorageNames.PoisonQueueOf));

        AssertSameNames("queues", ProvisionedInBicep.StorageNames()["queues"], used);
    }

    /// <summary>The inbox (0050) and the push claims (0055) live in PostgreSQL; the host creates its own diagnostic-event tables.</summary>
    [Fact]
    public void BicepProvisionsNoTablesSinceCirclyKeepsNone() =>
        Assert.Empty(ProvisionedInBicep.StorageNames()["tables"]);

    [Fact]
    public void BicepProvisionsExactlyTheBlobContainersTheCodeUsesPlusTheDeploymentContainer() =>
        AssertSameNames("blob containers", ProvisionedInBicep.StorageNames()["containers"].Except([DeploymentContainer]), StorageNames.Containers);

    [Fact]
    public void ContractParsersFindWhatIsThereSoTheContractCannotPassVacuously()
    {
        var appSettings = ProvisionedInBicep.AppSettings();
        var storage = ProvisionedInBicep.StorageNames();
        var reads = SettingsTheCodeReads.All().Select(read => read.Name).ToList();

        Assert.True(appSettings.Count >= 10, $"only {appSettings.Count} app settings parsed: {string.Join(", ", appSettings)}");
        Assert.Contains("Database__ConnectionString", appSettings);
        Assert.DoesNotContain(appSettings, key => key.Contains('/', StringComparison.Ordinal) || key.Contains(' ', StringComparison.Ordinal));
        Assert.True(storage["queues"].Count() >= 2, $"queues parsed: {string.Join(", ", storage["queues"])}");
        Assert.NotEmpty(storage["containers"]);
        // One from each way the code reads settings: an options class, Program.cs, a const key.
        Assert.Contains("Database__ConnectionString", reads);
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", reads);
        Assert.Contains(StorageClients.Setting, reads);
        Assert.Contains(SettingsTheCodeReads.FromOptionsClasses(), read => read is { Name: "Database__ConnectionString", Required: true });
        Assert.True(LocalSample().Count >= 3, "local.settings.sample.json: Values not found");
    }

    [Fact]
    public void EverySettingInTheLocalSampleIsOneTheCodeReads()
    {
        var reads = SettingsTheCodeReads.All();

        var unread = LocalSample().Keys
            .Where(key => !SampleOnlySettings.Contains(key, StringComparer.OrdinalIgnoreCase))
            .Where(key => !reads.Any(read => Names(read, key)))
            .ToList();

        Assert.True(unread.Count == 0,
            "local.settings.sample.json sets settings the code does not read (remove them, or read them):\n  " + string.Join("\n  ", unread));
    }

    [Fact]
    public void EveryRequiredSettingTheCodeReadsIsInTheLocalSample()
    {
        var sample = LocalSample().Keys.ToList();

        var missing = SettingsTheCodeReads.All()
            .Where(read => read.Required && !sample.Any(key => Names(read, key)))
            .ToList();

        Assert.True(missing.Count == 0,
            "Settings the app cannot start without are missing from local.settings.sample.json:\n  " + string.Join("\n  ", missing));
    }

    private static bool IsProvisioned(SettingRead read, IReadOnlyList<string> provisioned) =>
        provisioned.Any(key => Names(read, key))
        || (read.Name.Equals(StorageClients.Setting, StringComparison.OrdinalIgnoreCase)
            && IdentityBasedStorageSettings.All(setting => provisioned.Contains(setting, StringComparer.OrdinalIgnoreCase)));

    // Configuration keys are case-insensitive; a list or dictionary is provisioned item by item.
    private static bool Names(SettingRead read, string key) =>
        key.Equals(read.Name, StringComparison.OrdinalIgnoreCase)
        || (read.IsSection && key.StartsWith(read.Name + "__", StringComparison.OrdinalIgnoreCase));

    private static Dictionary<string, string?> LocalSample()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        return document.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(value => value.Name, value => value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString() : value.Value.GetRawText());
    }

    private static void AssertSameNames(string kind, IEnumerable<string> provisioned, IEnumerable<string> used)
    {
        var inBicep = provisioned.ToHashSet(StringComparer.Ordinal);
        var inCode = used.ToHashSet(StringComparer.Ordinal);

        var unused = inBicep.Except(inCode).Order(StringComparer.Ordinal).ToList();
        var unprovisioned = inCode.Except(inBicep).Order(StringComparer.Ordinal).ToList();

        Assert.True(unused.Count == 0 && unprovisioned.Count == 0,
            $"infra/ and Circly.Core/Storage/StorageNames.cs disagree on {kind}.\n" +
            $"  provisioned but not used by the code: {(unused.Count == 0 ? "none" : string.Join(", ", unused))}\n" +
            $"  used by the code but not provisioned: {(unprovisioned.Count == 0 ? "none" : string.Join(", ", unprovisioned))}");
    }
}
