using Circly.Tests.Infrastructure;

namespace Circly.Tests.Contract;

/// <summary>
/// A TypeScript client from the served document: openapi-typescript generates the types, and
/// tsc --noEmit compiles a small client against them (Contract/typescript/client.ts). Both come
/// from npm through package.json, so this runs offline like the rest of the suite.
/// </summary>
public sealed class GeneratedTypeScriptClientTests(CirclyStack stack)
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(3);
    private static readonly string Sources = Path.Combine(RepoPaths.Root, "Circly.Tests", "Contract", "typescript");
    private static readonly string NodeModules = Path.Combine(RepoPaths.Root, "node_modules");

    [Fact]
    public async Task AClientWrittenAgainstTheGeneratedTypesCompiles()
    {
        var work = Directory.CreateTempSubdirectory("circly-ts-client-");
        try
        {
            using var response = await stack.Client.Http.GetAsync(ApiClient.DocumentPath, TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
            var document = Path.Combine(work.FullName, "openapi.json");
            await File.WriteAllTextAsync(document, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
            File.Copy(Path.Combine(Sources, "client.ts"), Path.Combine(work.FullName, "client.ts"));
            File.Copy(Path.Combine(Sources, "tsconfig.json"), Path.Combine(work.FullName, "tsconfig.json"));

            await ProcessRunner.RunForOutputAsync("node", [Path.Combine(NodeModules, "openapi-typescript", "bin", "cli.js"), document, "--output", Path.Combine(work.FullName, "api.d.ts")], ToolTimeout);
            var generated = await File.ReadAllTextAsync(Path.Combine(work.FullName, "api.d.ts"), TestContext.Current.CancellationToken);
            Assert.Contains("\"/v1/polls/{id}/vote\"", generated, StringComparison.Ordinal);

            await ProcessRunner.RunForOutputAsync("node", [Path.Combine(NodeModules, "typescript", "bin", "tsc"), "--project", Path.Combine(work.FullName, "tsconfig.json")], ToolTimeout);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
