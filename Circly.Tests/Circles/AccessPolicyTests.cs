using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Circles;

/// <summary>Only members see a circle; to everyone else an existing circle looks exactly like a missing one.</summary>
public sealed class AccessPolicyTests(CirclyStack stack)
{
    [Fact]
    public async Task ANonMemberGetsTheSame404FromEveryCircleEndpointWhetherOrNotTheCircleExists()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);
        var outsider = await stack.Client.NewUserAsync();
        var memberId = circle.Others[0].MemberId.ToString();

        var existing = await ProbeAsync(circle.Id.ToString(), memberId, outsider.AccessToken);
        var random = await ProbeAsync(Guid.NewGuid().ToString(), memberId, outsider.AccessToken);
        var malformed = await ProbeAsync("not-a-circle", memberId, outsider.AccessToken);

        foreach (var probes in new[] { existing, random, malformed })
        {
            Assert.All(probes, probe =>
            {
                Assert.True(probe.Call.Status == HttpStatusCode.NotFound, $"{probe.Endpoint}: {(int)probe.Call.Status} {probe.Call.RawBody}");
                Assert.Equal(ErrorCodes.CircleNotFound, probe.Call.ErrorCode);
            });
        }
        // Same message, same shape: nothing tells a circle that exists from one that doesn't.
        Assert.Single(existing.Concat(random).Concat(malformed).Select(p => (p.Call.Status, p.Call.ErrorCode, p.Call.ErrorMessage)).Distinct());
        Assert.All(existing, probe => Assert.DoesNotContain(circle.Id.ToString(), probe.Call.RawBody, StringComparison.OrdinalIgnoreCase));
        var untouched = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken);
        Assert.Equal(("Test circle", 2, circle.InviteCode), (untouched.Data.GetProperty("name").GetString(), untouched.Data.GetProperty("memberCount").GetInt32(), untouched.Data.GetProperty("inviteCode").GetString()));
    }

    [Fact]
    public async Task AMemberOfAnotherCircleIsStillAnOutsiderHere()
    {
        var mine = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);
        var theirs = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);

        var call = await stack.Client.GetAsync($"/v1/circles/{theirs.Id}/members", mine.Owner.AccessToken);

        Assert.Equal(HttpStatusCode.NotFound, call.Status);
        Assert.Equal(ErrorCodes.CircleNotFound, call.ErrorCode);
    }

    private sealed record Probe(string Endpoint, ApiCall Call);

    private async Task<List<Probe>> ProbeAsync(string circleId, string memberId, string token) =>
    [
        new("GET circle", await stack.Client.GetAsync($"/v1/circles/{circleId}", token)),
        new("PUT circle", await stack.Client.PutAsync($"/v1/circles/{circleId}", new { name = "Mine now", maxMembers = 10 }, token)),
        new("DELETE circle", await stack.Client.DeleteAsync($"/v1/circles/{circleId}", token)),
        new("GET members", await stack.Client.GetAsync($"/v1/circles/{circleId}/members", token)),
        new("POST regenerate-invite", await stack.Client.PostAsync($"/v1/circles/{circleId}/regenerate-invite", null, token)),
        new("POST leave", await stack.Client.PostAsync($"/v1/circles/{circleId}/leave", null, token)),
        new("DELETE member", await stack.Client.DeleteAsync($"/v1/circles/{circleId}/members/{memberId}", token)),
    ];
}
