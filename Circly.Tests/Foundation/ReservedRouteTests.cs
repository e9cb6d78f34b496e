using System.Net;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Foundation;

/// <summary>/admin and /runtime belong to the Functions host: no function sees them, and its admin API wants the master key.</summary>
public sealed class ReservedRouteTests(CirclyStack stack)
{
    [Theory]
    [InlineData(null)]
    [InlineData("not-the-master-key")]
    public async Task TheAdminApiRefusesCallersWithoutTheMasterKey(string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/OutboxSweep");
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        using var response = await stack.Client.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TheAdminApiRunsATimerFunctionForTheMasterKey()
    {
        // SampleBacklog only reads (queue depths, the outbox lag): running it on the shared stack
        // disturbs no other test. The sweep would dispatch every test's pending analytics events.
        using var response = await stack.Client.RunFunctionAsync("SampleBacklog");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/admin/host/status")]
    [InlineData("GET", "/admin")]
    [InlineData("POST", "/runtime/webhooks/anything")]
    [InlineData("GET", "/Admin/functions/OutboxSweep")]
    public async Task OtherReservedPathsAreTheHostsBare404AndNeverReachAFunction(string method, string path)
    {
        using var response = await stack.Client.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
