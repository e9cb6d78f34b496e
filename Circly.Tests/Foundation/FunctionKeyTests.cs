using System.Net;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Foundation;

/// <summary>
/// /health stays open for uptime probes; /health/detailed (AuthorizationLevel.Function) wants a
/// function key or the master key, in the header or the code query parameter, as the host demands.
/// </summary>
public sealed class FunctionKeyTests(CirclyStack stack)
{
    [Fact]
    public async Task LivenessIsOpenToAnyone()
    {
        var call = await stack.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, call.Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key")]
    public async Task DetailedHealthRefusesCallersWithoutAKey(string? key)
    {
        var headers = key is null ? null : new Dictionary<string, string> { ["x-functions-key"] = key };

        var call = await stack.Client.GetAsync("/health/detailed", headers: headers);

        Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
        Assert.DoesNotContain("database", call.RawBody, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DetailedHealthAnswersTheFunctionKeyInTheHeader()
    {
        var call = await stack.Client.GetWithFunctionKeyAsync("/health/detailed");

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal("healthy", call.Data.GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task DetailedHealthAnswersTheFunctionKeyOrTheMasterKeyAsCodeParameter()
    {
        var withFunctionKey = await stack.Client.GetAsync($"/health/detailed?code={Uri.EscapeDataString(TestSecrets.FunctionKey)}");
        var withMasterKey = await stack.Client.GetAsync($"/health/detailed?code={Uri.EscapeDataString(TestSecrets.MasterKey)}");

        Assert.Equal(HttpStatusCode.OK, withFunctionKey.Status);
        Assert.Equal(HttpStatusCode.OK, withMasterKey.Status);
    }
}
