using System.Net;
using System.Reflection;
using Circly.Core.Database;
using Circly.Core.Errors;
using Circly.Functions.Http;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Foundation;

public sealed class EnvelopeTests(CirclyStack stack)
{
    [Fact]
    public async Task HealthAnswersInTheEnvelopeWithTheCommonHeaders()
    {
        var call = await stack.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.True(call.Success);
        Assert.Equal("healthy", call.Data.GetProperty("status").GetString());
        Assert.StartsWith("req_", call.Meta.GetProperty("requestId").GetString());
        Assert.True(call.Meta.TryGetProperty("timestamp", out _));
        Assert.Equal(call.Meta.GetProperty("requestId").GetString(), call.Header("X-Request-ID"));
        Assert.Equal("1.0.0", call.Header("X-API-Version"));
        Assert.Equal("nosniff", call.Header("X-Content-Type-Options"));
        Assert.Equal("no-store", call.Header("Cache-Control"));
        Assert.StartsWith("max-age=", call.Header("Strict-Transport-Security"));
        Assert.Equal("application/json", call.ContentHeaders!.ContentType!.MediaType);
    }

    [Fact]
    public async Task TheClientsRequestIdIsEchoed()
    {
        var call = await stack.Client.GetAsync("/health", headers: new Dictionary<string, string> { ["X-Request-ID"] = "app-1234.abc" });

        Assert.Equal("app-1234.abc", call.Header("X-Request-ID"));
        Assert.Equal("app-1234.abc", call.Meta.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task AnUnsafeRequestIdIsReplacedNotEchoed()
    {
        var call = await stack.Client.GetAsync("/health", headers: new Dictionary<string, string> { ["X-Request-ID"] = "bad id\"<script>" });

        Assert.StartsWith("req_", call.Header("X-Request-ID"));
    }

    [Theory]
    [InlineData("GET", "/v1/does-not-exist")]
    [InlineData("POST", "/nothing/here")]
    [InlineData("DELETE", "/")]
    public async Task AnUnknownRouteGetsA404Envelope(string method, string path)
    {
        var call = await stack.Client.SendAsync(new HttpMethod(method), path, null, null, null);

        Assert.Equal(HttpStatusCode.NotFound, call.Status);
        Assert.False(call.Success);
        Assert.Equal(ErrorCodes.NotFound, call.ErrorCode);
        Assert.NotNull(call.Header("X-Request-ID"));
    }

    [Fact]
    public async Task DetailedHealthReportsEveryDependencyWithLatencyAndVersions()
    {
        var call = await stack.Client.GetWithFunctionKeyAsync("/health/detailed");

        Assert.Equal(HttpStatusCode.OK, call.Status);
        var data = call.Data;
        Assert.Equal("healthy", data.GetProperty("database").GetProperty("status").GetString());
        Assert.True(data.GetProperty("database").GetProperty("latencyMs").GetDouble() >= 0);
        Assert.Equal(MigrationScript.All()[^1].Name, data.GetProperty("schemaVersion").GetString());
        Assert.False(string.IsNullOrEmpty(data.GetProperty("version").GetString()));
        foreach (var queue in new[] { "outbox-events", "push-batches" })
        {
            var health = data.GetProperty("queues").GetProperty(queue);
            Assert.Equal("healthy", health.GetProperty("status").GetString());
            Assert.True(health.TryGetProperty("poisonMessages", out _));
        }
        Assert.False(data.TryGetProperty("tables", out _), "Circly keeps no Table Storage");
    }

    [Fact]
    public void EveryErrorCodeHasAStatusInTheOneTable()
    {
        var codes = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToList();

        Assert.Equal(codes.Order(), ErrorStatus.KnownCodes.Order());
        Assert.All(codes.Where(c => c is not ErrorCodes.InternalError and not ErrorCodes.ServiceUnavailable),
            code => Assert.InRange(ErrorStatus.For(code), 400, 499));
    }
}
