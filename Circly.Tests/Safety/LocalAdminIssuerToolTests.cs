using System.Net;
using Circly.AdminIssuer;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Safety;

/// <summary>The documented local sign-in (docs/SAFETY.md): the issuer tool's serve and token commands, through the API's real validation.</summary>
public sealed class LocalAdminIssuerToolTests(CirclyStack stack)
{
    private static readonly string Tool = Path.Combine(RepoPaths.Root, "tools", "Circly.AdminIssuer", "bin", "Release", "net10.0", "Circly.AdminIssuer.dll");

    [Fact]
    public async Task ATokenFromTheToolOpensTheAdminApiOfAnAppPointedAtTheServedAuthority()
    {
        var port = FreePort.Next();
        var key = Path.Combine(Path.GetTempPath(), $"circly-admin-issuer-{Guid.NewGuid():N}.pem");
        using var serve = ProcessRunner.Start("dotnet", [Tool, "serve", "--port", port.ToString(), "--key", key]);
        try
        {
            await Eventually.TrueAsync(() => FreePort.IsListening(port), TimeSpan.FromSeconds(60), "the issuer tool to listen");
            var token = (await ProcessRunner.RunForOutputAsync("dotnet",
                [Tool, "token", "--role", "admin", "--name", "local@circly.test", "--audience", CirclyStack.AdminAudience, "--port", port.ToString(), "--key", key],
                TimeSpan.FromSeconds(60))).Trim();
            var settings = stack.Settings();
            settings["Admin:Authority"] = LocalEntraIssuer.AuthorityFor(new Uri($"http://127.0.0.1:{port}"));
            await using var app = await TestApp.StartAsync(settings);

            var audit = await app.Client.GetAsync("/v1/admin/audit-log?limit=1", token);
            var asUser = await app.Client.GetAsync("/v1/users/me", token);
            var otherAuthority = await stack.Client.GetAsync("/v1/admin/audit-log?limit=1", token);

            Assert.Equal(HttpStatusCode.OK, audit.Status);
            Assert.Equal(HttpStatusCode.Unauthorized, asUser.Status);
            Assert.Equal(HttpStatusCode.Unauthorized, otherAuthority.Status);
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
            File.Delete(key);
        }
    }
}
