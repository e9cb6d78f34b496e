using System.Collections.Concurrent;
using Circly.Core.Errors;
using Circly.Core.Storage;
using Circly.Functions.Http;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Npgsql;

namespace Circly.Tests.Foundation;

// Functions that exist only in the test assembly, hosted by a separate DevHost instance
// (ProbeApp), to exercise the shared HTTP pipeline and the queue and timer hosting.

public sealed record ProbeRequest(string? Name, int? Count, DateTimeOffset? When);

public sealed class ProbeHttpFunctions(HttpApi api, NpgsqlDataSource database, StorageClients storage)
{
    [Function("ProbeEcho")]
    public Task<IResult> Echo([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "probe/echo")] HttpRequest request) =>
        api.RunAsync(request, async cancellationToken =>
        {
            var body = await RequestBody.ReadAsync<ProbeRequest>(request, cancellationToken);
            var name = body.Name ?? throw Fail.Required("name");
            return ApiResponse.Ok(new { name, body.Count, body.When });
        });

    [Function("ProbeBoom")]
    public Task<IResult> Boom([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "probe/boom")] HttpRequest request) =>
        api.RunAsync(request, _ => throw new InvalidOperationException("SELECT device_secret_hash FROM users WHERE id = 42"));

    [Function("ProbeDatabase")]
    public Task<IResult> Database([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "probe/database")] HttpRequest request) =>
        api.RunAsync(request, async cancellationToken =>
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var templates = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM question_templates", cancellationToken: cancellationToken));
            return ApiResponse.Ok(new { templates });
        });

    [Function("ProbeStorage")]
    public Task<IResult> Storage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "probe/storage")] HttpRequest request) =>
        api.RunAsync(request, async cancellationToken =>
        {
            var properties = await storage.Queue(StorageNames.OutboxEventsQueue).GetPropertiesAsync(cancellationToken);
            return ApiResponse.Ok(new { messages = properties.Value.ApproximateMessagesCount });
        });
}

public sealed class ProbeQueueFunctions
{
    public const string FailingQueue = "probe-always-fails";
    public const string WorkingQueue = "probe-works";

    public static readonly ConcurrentDictionary<string, int> Attempts = new();
    public static readonly ConcurrentDictionary<string, int> Handled = new();

    [Function("ProbeAlwaysFails")]
    public void AlwaysFails([QueueTrigger(FailingQueue)] string message)
    {
        Attempts.AddOrUpdate(message, 1, (_, count) => count + 1);
        throw new InvalidOperationException("This function always fails.");
    }

    [Function("ProbeWorks")]
    public void Works([QueueTrigger(WorkingQueue)] string message) =>
        Handled.AddOrUpdate(message, 1, (_, count) => count + 1);
}

public sealed class ProbeTimerFunctions
{
    public static int Runs;

    [Function("ProbeTimer")]
    public void Tick([TimerTrigger("%PROBE_SCHEDULE%")] TimerInfo timer) => Interlocked.Increment(ref Runs);
}
