using System.Net;
using Circly.Core.Errors;
using Circly.DevHost;
using Circly.Functions.Http;
using Circly.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Template;

namespace Circly.Tests.Foundation;

/// <summary>
/// HTTP dispatch follows the Functions host's rule (functions tried in name order, first matching
/// template wins, no route precedence), so that what DevHost answers is what Azure answers.
/// </summary>
public sealed class RouteDispatchTests(CirclyStack stack)
{
    [Fact]
    public async Task EveryRouteAndMethodReachesItsOwnFunctionUnderTheHostsFirstMatchRule()
    {
        var router = stack.Api.Get<HttpTriggerRouter>();
        var shadowed = new List<string>();
        foreach (var function in router.Functions)
        {
            var path = "/" + SamplePath(function.Route!);
            foreach (var method in function.HttpMethods ?? ["GET"])
            {
                var match = await router.MatchAsync(Request(method.ToUpperInvariant(), path));
                if (match?.Function.Name != function.Name)
                {
                    shadowed.Add($"{method.ToUpperInvariant()} {path} ({function.Name}) goes to {match?.Function.Name ?? "nothing"}");
                }
            }
        }

        Assert.True(shadowed.Count == 0, "Shadowed under the host's rule:\n" + string.Join("\n", shadowed));
    }

    [Fact]
    public void TheCatchAllIsTriedLast()
    {
        Assert.Equal(NotFoundFunction.Name, stack.Api.Get<HttpTriggerRouter>().Functions[^1].Name);
    }

    [Fact]
    public void NoFunctionRouteLiesUnderThePathsTheHostReserves()
    {
        var reserved = stack.Api.Get<HttpTriggerRouter>().Functions
            .Where(f => ReservedRoutes.IsReserved(new PathString("/" + f.Route)))
            .Select(f => f.Name);

        Assert.Empty(reserved);
    }

    [Theory]
    [InlineData("PUT", "/v1/users/me")]
    [InlineData("POST", "/v1/polls/00000000-0000-0000-0000-000000000001/vote")]
    [InlineData("PUT", "/v1/notifications/settings")]
    public async Task RoutesThatSortAfterUpdateAndVoteAreReachedOverHttp(string method, string path)
    {
        var call = await stack.Client.SendAsync(new HttpMethod(method), path, new { }, token: null, headers: null);

        // Each function answers for itself (no token here), instead of the catch-all's NOT_FOUND.
        Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
    }

    [Fact]
    public async Task HeadOnAGetOnlyRouteIsNotAGetAndFallsToTheCatchAll()
    {
        using var response = await stack.Client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/templates"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task HeadOnHealthAnswersForUptimeMonitors()
    {
        using var response = await stack.Client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/health"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AMethodNoFunctionAllowsGetsTheNotFoundEnvelope()
    {
        var call = await stack.Client.SendAsync(HttpMethod.Patch, "/v1/users/me", new { }, null, null);

        Assert.Equal(HttpStatusCode.NotFound, call.Status);
        Assert.Equal(ErrorCodes.NotFound, call.ErrorCode);
    }

    /// <summary>A concrete path for a route template: every parameter a fresh id, a catch-all some segments.</summary>
    private static string SamplePath(string route) =>
        string.Join("/", TemplateParser.Parse(route).Segments.Select(segment => string.Concat(segment.Parts.Select(part =>
            part.IsLiteral ? part.Text
            : part.IsCatchAll ? "some/unknown/path"
            : Guid.NewGuid().ToString()))));

    private HttpContext Request(string method, string path) => new DefaultHttpContext
    {
        RequestServices = stack.Api.Services,
        Request = { Method = method, Path = path },
    };
}
