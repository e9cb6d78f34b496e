using System.Net;
using System.Security.Cryptography;
using Circly.AdminIssuer;
using Circly.Core.Admin;
using Circly.Core.Errors;
using Circly.DevHost;
using Circly.Functions;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Safety;

/// <summary>
/// Admin sign-in: Entra ID tokens (here from the local Entra stand-in, through its OpenID metadata
/// and JWKS) with an app role. Admin and user tokens are never interchangeable, in either direction.
/// </summary>
public sealed class AdminAuthTests(CirclyStack stack)
{
    /// <summary>Every admin route the app has, with a well-formed id where the route takes one.</summary>
    public static TheoryData<string, string> AdminRoutes()
    {
        var data = new TheoryData<string, string>();
        foreach (var function in FunctionCatalog.Discover([typeof(CirclyApplication).Assembly]))
        {
            if (function.Route is { } route && route.StartsWith("v1/admin/", StringComparison.Ordinal))
            {
                foreach (var method in function.HttpMethods ?? [])
                {
                    data.Add(method, "/" + route.Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal));
                }
            }
        }
        return data;
    }

    [Fact]
    public void TheAdminApiHasTheRoutesTheIssueAsksFor()
    {
        var routes = AdminRoutes().Select(row => $"{row.Data.Item1} {System.Text.RegularExpressions.Regex.Replace(row.Data.Item2, "[0-9a-f-]{36}", "{id}")}").ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "GET /v1/admin/reports", "GET /v1/admin/reports/{id}", "POST /v1/admin/reports/{id}/actions",
            "GET /v1/admin/bans", "POST /v1/admin/bans", "POST /v1/admin/bans/{id}/lift",
            "POST /v1/admin/templates", "PUT /v1/admin/templates/{id}", "POST /v1/admin/templates/{id}/deactivate", "GET /v1/admin/templates/categories",
            "POST /v1/admin/circles/{id}/hide", "POST /v1/admin/polls/{id}/hide", "GET /v1/admin/users/{id}", "GET /v1/admin/audit-log",
        }, routes);
    }

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task EveryAdminRouteRefusesAnonymousCallsAndUserTokens(string method, string path)
    {
        var user = await stack.Client.NewUserAsync();

        var anonymous = await stack.Client.SendAsync(new HttpMethod(method), path, new { reason = "x" }, null, null);
        var withUserToken = await stack.Client.SendAsync(new HttpMethod(method), path, new { reason = "x" }, user.AccessToken, null);

        Assert.All([anonymous, withUserToken], call =>
        {
            Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
            Assert.Equal(ErrorCodes.AuthInvalidToken, call.ErrorCode);
        });
    }

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task EveryAdminRouteRefusesTokensOfTheWrongIssuerAudienceKeyOrWithoutARole(string method, string path)
    {
        await using var impostor = await LocalEntraIssuer.StartAsync(RSA.Create(2048));
        var tokens = new[]
        {
            impostor.Issue(CirclyStack.AdminAudience, [AdminRoles.Admin]),
            stack.Entra.Issue("circly-app", [AdminRoles.Admin]),
            stack.Entra.Issue(CirclyStack.AdminAudience, [AdminRoles.Admin], lifetime: TimeSpan.FromMinutes(-5)),
        };
        foreach (var token in tokens)
        {
            var call = await stack.Client.SendAsync(new HttpMethod(method), path, new { reason = "x" }, token, null);
            Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
        }

        var noRole = await stack.Client.SendAsync(new HttpMethod(method), path, new { reason = "x" }, stack.Entra.Issue(CirclyStack.AdminAudience, ["reader"]), null);
        Assert.Equal(HttpStatusCode.Forbidden, noRole.Status);
        Assert.Equal(ErrorCodes.AdminForbidden, noRole.ErrorCode);
    }

    [Theory]
    [InlineData("GET", "/v1/users/me")]
    [InlineData("GET", "/v1/circles")]
    [InlineData("POST", "/v1/reports")]
    [InlineData("GET", "/v1/blocks")]
    [InlineData("GET", "/v1/polls")]
    public async Task AdminTokensAreRefusedByTheUserApi(string method, string path)
    {
        foreach (var token in new[] { stack.AdminToken(), stack.Entra.Issue("circly-app", [AdminRoles.Admin]) })
        {
            var call = await stack.Client.SendAsync(new HttpMethod(method), path, new { }, token, null);

            Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
            Assert.Equal(ErrorCodes.AuthInvalidToken, call.ErrorCode);
        }
    }

    [Theory]
    [InlineData("GET", "/v1/admin/audit-log")]
    [InlineData("GET", "/v1/admin/templates/categories")]
    [InlineData("POST", "/v1/admin/templates")]
    public async Task TemplatesAndTheAuditLogNeedTheAdminRole(string method, string path)
    {
        var asModerator = await stack.Client.SendAsync(new HttpMethod(method), path, new { }, stack.ModeratorToken(), null);
        var asAdmin = await stack.Client.SendAsync(new HttpMethod(method), path, new { }, stack.AdminToken(), null);

        Assert.Equal(HttpStatusCode.Forbidden, asModerator.Status);
        Assert.Equal(ErrorCodes.AdminForbidden, asModerator.ErrorCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, asAdmin.Status);
        Assert.NotEqual(HttpStatusCode.Unauthorized, asAdmin.Status);
    }

    [Fact]
    public async Task AModeratorTokenOpensTheQueueAndTheKeysAreFetchedFromTheAuthorityOnce()
    {
        var before = stack.Entra.MetadataRequests;

        var first = await stack.Client.GetAsync("/v1/admin/reports", stack.ModeratorToken());
        var second = await stack.Client.GetAsync("/v1/admin/reports", stack.ModeratorToken("someone-else@circly.test"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.InRange(stack.Entra.MetadataRequests - before, 0, 1);
    }

    [Fact]
    public async Task AnUnreachableAuthorityIsAnOutageNotABadToken()
    {
        var settings = stack.Settings();
        settings["Admin:Authority"] = LocalEntraIssuer.AuthorityFor(new Uri($"http://127.0.0.1:{FreePort.Next()}"));
        await using var app = await TestApp.StartAsync(settings);

        var call = await app.Client.GetAsync("/v1/admin/reports", stack.AdminToken());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, call.Status);
        Assert.Equal(ErrorCodes.ServiceUnavailable, call.ErrorCode);
    }

    [Fact]
    public async Task AnAppWithoutAnAdminAuthorityRefusesEveryAdminToken()
    {
        var settings = stack.Settings();
        settings["Admin:Authority"] = "";
        await using var app = await TestApp.StartAsync(settings);

        var call = await app.Client.GetAsync("/v1/admin/reports", stack.AdminToken());

        Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
        Assert.Equal(ErrorCodes.AuthInvalidToken, call.ErrorCode);
    }
}
