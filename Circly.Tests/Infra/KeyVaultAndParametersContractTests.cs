using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Circly.Core;
using Circly.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Circly.Tests.Infra;

/// <summary>
/// A first `azd up` that comes up working: every Key Vault secret the app's settings reference
/// exists before the app resolves it (or is created by the postprovision hook, which then
/// refreshes the references), an unresolved reference never passes as a secret, the azd
/// parameters carry every setting the .bicepparam files set, and the connection pools of all
/// instances fit in the server's max_connections.
/// </summary>
public sealed partial class KeyVaultAndParametersContractTests
{
    private const string UnresolvedReference = "@Microsoft.KeyVault(SecretUri=https://kv-circlyprod.vault.azure.net/secrets/vote-hash-secret)";

    [Fact]
    public void EveryKeyVaultSecretTheAppReferencesExistsBeforeTheAppOrComesFromTheHookThatRefreshes()
    {
        var main = ProvisionedInBicep.MainBicep();
        var referenced = KeyVaultReferences(main).Values.ToHashSet(StringComparer.Ordinal);
        var dependsOn = ModuleDependsOn(main, "modules/functionapp.bicep");
        var beforeTheApp = SecretsWrittenByModules(main).Where(written => dependsOn.Contains(written.Module)).Select(written => written.Secret).ToHashSet(StringComparer.Ordinal);
        var hook = File.ReadAllText(Path.Combine(ProvisionedInBicep.InfraDirectory, "hooks", "postprovision.sh"));
        var byTheHook = SecretsTheHookCreates(hook);

        Assert.True(referenced.Count >= 5, $"only {referenced.Count} Key Vault references parsed");
        var missing = referenced.Where(secret => !beforeTheApp.Contains(secret) && !byTheHook.Contains(secret)).Order().ToList();
        Assert.True(missing.Count == 0,
            "The Function App's settings reference Key Vault secrets that neither a module it depends on nor infra/hooks/postprovision.sh creates:\n  " + string.Join("\n  ", missing) +
            $"\n(functionApp dependsOn: {string.Join(", ", dependsOn)}; written before it: {string.Join(", ", beforeTheApp)}; by the hook: {string.Join(", ", byTheHook)})");
        var lastSecret = hook.LastIndexOf("set_secret ", StringComparison.Ordinal);
        var refresh = hook.LastIndexOf("/config/configreferences/appsettings/refresh", StringComparison.Ordinal);
        Assert.True(refresh > lastSecret, "postprovision.sh must refresh the app's Key Vault references after creating secrets");
    }

    [Fact]
    public void EverySettingFromKeyVaultRejectsAnUnresolvedReference()
    {
        var settings = KeyVaultReferences(ProvisionedInBicep.MainBicep()).Keys.ToList();

        Assert.NotEmpty(settings);
        Assert.All(settings, setting =>
        {
            var (options, property) = OptionsPropertyOf(setting);
            var results = new List<ValidationResult>();
            var valid = Validator.TryValidateProperty(UnresolvedReference, new ValidationContext(options) { MemberName = property.Name }, results);
            Assert.False(valid, $"{setting} ({options.GetType().Name}.{property.Name}) accepts an unresolved Key Vault reference");
        });
    }

    [Fact]
    public void TheAppDoesNotStartWithAnUnresolvedReferenceForAVoteHashSecretLongEnoughToPassItsLengthRule()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = "Host=127.0.0.1;Database=circly",
            ["Auth:Issuer"] = TestSecrets.Issuer,
            ["Auth:SigningKeyPem"] = TestSecrets.SigningKeyPem,
            ["Auth:DeviceIdPepper"] = TestSecrets.DeviceIdPepper,
            ["Voting:HashSecret"] = UnresolvedReference,
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["App:PublicBaseUrl"] = "https://circly.test",
        });
        builder.Services.AddCirclyCore(builder.Configuration);
        using var host = builder.Build();

        var failure = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.True(UnresolvedReference.Length >= 32);
        Assert.Contains("HashSecret", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MainParametersJsonCarriesEveryParameterTheBicepparamFilesSet()
    {
        using var parameters = JsonDocument.Parse(File.ReadAllText(Path.Combine(ProvisionedInBicep.InfraDirectory, "main.parameters.json")));
        var carried = parameters.RootElement.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        var set = Directory.GetFiles(ProvisionedInBicep.InfraDirectory, "*.bicepparam")
            .SelectMany(file => BicepparamAssignment().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetFileName(file), Name: m.Groups["name"].Value)))
            .ToList();

        Assert.True(set.Count >= 20, $"only {set.Count} assignments parsed");
        var dropped = set.Where(s => !carried.Contains(s.Name)).Select(s => $"{s.Name} ({s.File})").Distinct().ToList();
        Assert.True(dropped.Count == 0, "main.parameters.json (what azd deploys with) drops parameters the .bicepparam files set:\n  " + string.Join("\n  ", dropped));
    }

    [Fact]
    public void TheConnectionPoolsOfAllInstancesFitInTheServersMaxConnectionsInEveryEnvironment()
    {
        var defaults = MainBicepIntDefaults();
        var environments = Directory.GetFiles(ProvisionedInBicep.InfraDirectory, "*.bicepparam")
            .Select(file => (Name: Path.GetFileName(file), Values: BicepparamInts(File.ReadAllText(file))))
            .Append((Name: "main.parameters.json (azd)", Values: AzdDefaults()))
            .ToList();

        Assert.All(environments, environment =>
        {
            int Value(string name) => environment.Values.TryGetValue(name, out var value) ? value : defaults[name];
            var instances = Value("functionMaximumInstanceCount");
            var available = Value("postgresMaxConnections") - Value("postgresReservedConnections");
            // infra/main.bicep: databaseMaxPoolSize = max(1, available / instances)
            var pool = Math.Max(1, available / instances);
            Assert.True(instances * pool <= available,
                $"{environment.Name}: {instances} instances x {pool} connections = {instances * pool} > {available} the server leaves the app");
        });
    }

    /// <summary>App setting → secret name, for every keyVaultReference(...) value in var appSettings.</summary>
    private static Dictionary<string, string> KeyVaultReferences(BicepText main)
    {
        var start = main.Text.IndexOf("// APP SETTINGS", StringComparison.Ordinal);
        var open = main.Code.IndexOf("var appSettings = {", start, StringComparison.Ordinal) + "var appSettings = ".Length;
        return main.Members(open)
            .Select(member => (member.Key, Match: KeyVaultReferenceCall().Match(main.Text[member.ValueStart..member.ValueEnd])))
            .Where(pair => pair.Match.Success)
            .ToDictionary(pair => pair.Key, pair => pair.Match.Groups["secret"].Value);
    }

    private static HashSet<string> ModuleDependsOn(BicepText main, string path)
    {
        var module = ModuleDeclaration().Matches(main.Code).Single(m => main.Text.Substring(m.Groups["path"].Index, m.Groups["path"].Length) == $"'{path}'");
        var dependsOn = main.Member(module.Index + module.Length - 1, "dependsOn") ?? throw main.Unreadable(module.Index, "dependsOn");
        return Identifier().Matches(main.Code[dependsOn.Start..dependsOn.End]).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<(string Module, string Secret)> SecretsWrittenByModules(BicepText main)
    {
        foreach (Match module in ModuleDeclaration().Matches(main.Code))
        {
            if (main.Text.Substring(module.Groups["path"].Index, module.Groups["path"].Length) != "'modules/keyvault-secrets.bicep'")
            {
                continue;
            }
            var parameters = main.Member(module.Index + module.Length - 1, "params") ?? throw main.Unreadable(module.Index, "params");
            var secrets = main.Member(parameters.Start, "secrets") ?? throw main.Unreadable(parameters.Start, "secrets");
            foreach (var secret in main.Members(secrets.Start))
            {
                yield return (module.Groups["name"].Value, secret.Key);
            }
        }
    }

    /// <summary>Names given to set_secret, directly or through a `for name in ...` loop around it.</summary>
    private static HashSet<string> SecretsTheHookCreates(string hook)
    {
        var names = SetSecretLiteral().Matches(hook).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        foreach (Match loop in HookLoop().Matches(hook))
        {
            if (loop.Groups["body"].Value.Contains("set_secret \"$name\"", StringComparison.Ordinal))
            {
                names.UnionWith(loop.Groups["names"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
        }
        return names;
    }

    private static (object Options, PropertyInfo Property) OptionsPropertyOf(string setting)
    {
        var parts = setting.Split("__");
        var type = SettingsTheCodeReads.ProductAssemblies.SelectMany(assembly => assembly.GetTypes())
            .Single(type => type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && (string)field.GetRawConstantValue()! == parts[0]);
        var property = type.GetProperty(parts[1]) ?? throw new InvalidOperationException($"{type.Name} has no property {parts[1]} for {setting}");
        return (Activator.CreateInstance(type)!, property);
    }

    private static Dictionary<string, int> MainBicepIntDefaults() =>
        MainBicepIntParam().Matches(ProvisionedInBicep.MainBicep().Text).ToDictionary(m => m.Groups["name"].Value, m => int.Parse(m.Groups["value"].Value));

    private static Dictionary<string, int> BicepparamInts(string text) =>
        BicepparamInt().Matches(text).ToDictionary(m => m.Groups["name"].Value, m => int.Parse(m.Groups["value"].Value));

    private static Dictionary<string, int> AzdDefaults()
    {
        using var parameters = JsonDocument.Parse(File.ReadAllText(Path.Combine(ProvisionedInBicep.InfraDirectory, "main.parameters.json")));
        var values = new Dictionary<string, int>();
        foreach (var parameter in parameters.RootElement.GetProperty("parameters").EnumerateObject())
        {
            var value = parameter.Value.GetProperty("value");
            var text = value.ValueKind == JsonValueKind.String ? AzdDefault().Match(value.GetString()!) is { Success: true } m ? m.Groups["value"].Value : value.GetString()! : value.GetRawText();
            if (int.TryParse(text, out var number))
            {
                values[parameter.Name] = number;
            }
        }
        return values;
    }

    [GeneratedRegex(@"keyVaultReference\([^,]+,\s*'(?<secret>[a-z0-9-]+)'\)")]
    private static partial Regex KeyVaultReferenceCall();

    [GeneratedRegex(@"(?m)^module\s+(?<name>\w+)\s+(?<path>'[^']*')\s*=\s*(?:if\s*\([^\n]*\)\s*)?\{")]
    private static partial Regex ModuleDeclaration();

    [GeneratedRegex(@"[A-Za-z_]\w*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"set_secret (?<name>[a-z][a-z0-9-]*) ")]
    private static partial Regex SetSecretLiteral();

    [GeneratedRegex(@"for name in (?<names>[a-z0-9 -]+); do(?<body>.*?)\ndone", RegexOptions.Singleline)]
    private static partial Regex HookLoop();

    [GeneratedRegex(@"(?m)^param\s+(?<name>\w+)\s*=")]
    private static partial Regex BicepparamAssignment();

    [GeneratedRegex(@"(?m)^param\s+(?<name>\w+)\s*=\s*(?<value>-?\d+)\s*$")]
    private static partial Regex BicepparamInt();

    [GeneratedRegex(@"(?m)^param\s+(?<name>\w+)\s+int\s*=\s*(?<value>-?\d+)\s*$")]
    private static partial Regex MainBicepIntParam();

    [GeneratedRegex(@"^\$\{\w+=(?<value>[^}]*)\}$")]
    private static partial Regex AzdDefault();
}
