using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Npgsql;

namespace Circly.Tests.Foundation;

/// <summary>The HTTP conventions every function shares, exercised through probe functions.</summary>
public sealed class PipelineTests(CirclyStack stack) : IAsyncLifetime
{
    private TestApp _probe = null!;

    public async ValueTask InitializeAsync() => _probe = await ProbeApp.StartAsync(stack);

    public async ValueTask DisposeAsync() => await _probe.DisposeAsync();

    [Fact]
    public async Task MalformedJsonIsInvalidFormat()
    {
        var call = await _probe.Client.SendRawAsync(HttpMethod.Post, "/probe/echo", "{\"name\": \"ana\",");

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(ErrorCodes.ValidationInvalidFormat, call.ErrorCode);
    }

    [Theory]
    [InlineData("{\"name\": \"ana\", \"count\": \"three\"}", "count")]
    [InlineData("{\"name\": 7}", "name")]
    [InlineData("{\"name\": \"ana\", \"when\": \"next tuesday\"}", "when")]
    public async Task AWrongTypeIsInvalidFormatNamingTheField(string body, string field)
    {
        var call = await _probe.Client.SendRawAsync(HttpMethod.Post, "/probe/echo", body);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(ErrorCodes.ValidationInvalidFormat, call.ErrorCode);
        Assert.Equal(field, call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
        Assert.Contains(field, call.ErrorMessage);
    }

    [Fact]
    public async Task AMissingFieldIsRequiredNamingTheField()
    {
        var call = await _probe.Client.SendRawAsync(HttpMethod.Post, "/probe/echo", "{\"count\": 3}");

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(ErrorCodes.ValidationRequired, call.ErrorCode);
        Assert.Equal("name", call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
    }

    [Fact]
    public async Task AnEmptyBodyIsRequired()
    {
        var call = await _probe.Client.SendRawAsync(HttpMethod.Post, "/probe/echo", "");

        Assert.Equal(ErrorCodes.ValidationRequired, call.ErrorCode);
    }

    [Fact]
    public async Task AWellFormedBodyIsAcceptedInCamelCase()
    {
        var call = await _probe.Client.SendRawAsync(HttpMethod.Post, "/probe/echo", "{\"name\": \"ana\", \"count\": 3, \"when\": \"2030-01-02T03:04:05Z\"}");

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal("ana", call.Data.GetProperty("name").GetString());
        Assert.Equal(3, call.Data.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task ABodyOverTheLimitIsRefused()
    {
        var call = await _probe.Client.SendRawAsync(HttpMethod.Post, "/probe/echo", "{\"name\": \"" + new string('a', 70_000) + "\"}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, call.Status);
        Assert.Equal(ErrorCodes.RequestTooLarge, call.ErrorCode);
    }

    [Fact]
    public async Task ABugIsA500WithNoStackTraceOrSql()
    {
        var call = await _probe.Client.GetAsync("/probe/boom");

        Assert.Equal(HttpStatusCode.InternalServerError, call.Status);
        Assert.Equal(ErrorCodes.InternalError, call.ErrorCode);
        Assert.DoesNotContain("SELECT", call.RawBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("device_secret", call.RawBody);
        Assert.DoesNotContain(" at ", call.RawBody);
        Assert.DoesNotContain("Exception", call.RawBody);
    }

    [Fact]
    public async Task PostgresDownIs503AndTheAppRecoversWhenItComesBack()
    {
        var postgresPort = new NpgsqlConnectionStringBuilder(stack.DatabaseConnectionString).Port;
        await using var proxy = new TcpProxy(postgresPort);
        var viaProxy = new NpgsqlConnectionStringBuilder(stack.DatabaseConnectionString) { Port = proxy.Port, Timeout = 2 }.ConnectionString;
        await using var app = await ProbeApp.StartAsync(stack, database: viaProxy);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/probe/database")).Status);

        proxy.Disable();
        var down = await app.Client.GetAsync("/probe/database");
        var health = await app.Client.GetWithFunctionKeyAsync("/health/detailed");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal(ErrorCodes.ServiceUnavailable, down.ErrorCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.Status);
        Assert.Equal("unhealthy", health.Data.GetProperty("database").GetProperty("status").GetString());

        proxy.Enable();
        await Eventually.TrueAsync(async () => (await app.Client.GetAsync("/probe/database")).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "the API to reach PostgreSQL again");
    }

    [Fact]
    public async Task StorageDownIs503AndTheAppRecoversWhenItComesBack()
    {
        var queuePort = new Uri(stack.Azurite.ConnectionString.Split(';').Single(p => p.StartsWith("QueueEndpoint=", StringComparison.Ordinal))["QueueEndpoint=".Length..]).Port;
        await using var proxy = new TcpProxy(queuePort);
        var viaProxy = stack.Azurite.ConnectionString.Replace($":{queuePort}/", $":{proxy.Port}/", StringComparison.Ordinal);
        await using var app = await ProbeApp.StartAsync(stack, storage: viaProxy);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/probe/storage")).Status);

        proxy.Disable();
        var down = await app.Client.GetAsync("/probe/storage");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal(ErrorCodes.ServiceUnavailable, down.ErrorCode);

        proxy.Enable();
        await Eventually.TrueAsync(async () => (await app.Client.GetAsync("/probe/storage")).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "the API to reach storage again");
    }
}
