using System.Diagnostics;
using System.Reflection;
using Circly.Core.Database;
using Circly.Core.Outbox;
using Circly.Core.Storage;
using Npgsql;

namespace Circly.Core.Health;

/// <summary>Checks PostgreSQL, every queue (with its poison queue) and the outbox's delivery, concurrently and time-boxed.</summary>
public sealed class HealthService(NpgsqlDataSource dataSource, StorageClients storage, OutboxDelivery outbox)
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public static string AppVersion { get; } =
        typeof(HealthService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        var token = timeout.Token;

        var database = CheckDatabaseAsync(token);
        var queues = StorageNames.Queues.ToDictionary(name => name, name => CheckQueueAsync(name, token));
        var delivery = CheckOutboxAsync(token);
        await Task.WhenAll([database, delivery, .. queues.Values]);

        var (databaseHealth, schemaVersion) = await database;
        var queueHealth = queues.ToDictionary(pair => pair.Key, pair => pair.Value.Result);
        var outboxHealth = await delivery;

        var allUp = databaseHealth.IsUp && queueHealth.Values.All(q => q.Status != HealthStatus.Unhealthy)
            && outboxHealth.Status != HealthStatus.Unhealthy;
        var status = !allUp ? HealthStatus.Unhealthy
            : queueHealth.Values.Any(q => q.PoisonMessages > 0) || outboxHealth.Status == HealthStatus.Degraded ? HealthStatus.Degraded
            : HealthStatus.Healthy;
        return new HealthReport(status, AppVersion, schemaVersion, databaseHealth, queueHealth, outboxHealth);
    }

    private async Task<(ComponentHealth, string?)> CheckDatabaseAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var version = await SchemaVersion.ReadAsync(connection, cancellationToken);
            // A schema older than the code (a restore, a skipped migration) is an outage, not a detail.
            return SchemaVersion.IsCurrent(version)
                ? (new ComponentHealth(HealthStatus.Healthy, Elapsed(watch)), version)
                : (new ComponentHealth(HealthStatus.Unhealthy, Elapsed(watch), $"schema behind: needs {SchemaVersion.Required}"), version);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return (Down(watch, exception), null);
        }
    }

    /// <summary>Degraded only when the sweep gave up on an event: an unconsumed one in flight, or about to be sent again, is normal.</summary>
    private async Task<OutboxHealth> CheckOutboxAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var status = await outbox.StatusAsync(cancellationToken);
            return new OutboxHealth(status.Stuck > 0 ? HealthStatus.Degraded : HealthStatus.Healthy, Elapsed(watch),
                status.Pending, Seconds(status.OldestPending), status.Unconsumed, Seconds(status.OldestUnconsumed), status.Stuck);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var down = Down(watch, exception);
            return new OutboxHealth(down.Status, down.LatencyMs, null, null, null, null, null, down.Error);
        }
    }

    private static double Seconds(TimeSpan age) => Math.Round(age.TotalSeconds, 1);

    private async Task<QueueHealth> CheckQueueAsync(string queue, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var main = storage.Queue(queue).GetPropertiesAsync(cancellationToken);
            var poison = storage.Queue(StorageNames.PoisonQueueOf(queue)).GetPropertiesAsync(cancellationToken);
            await Task.WhenAll(main, poison);
            return new QueueHealth(HealthStatus.Healthy, Elapsed(watch), (await main).Value.ApproximateMessagesCount, (await poison).Value.ApproximateMessagesCount);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var down = Down(watch, exception);
            return new QueueHealth(down.Status, down.LatencyMs, null, null, down.Error);
        }
    }

    // Only the exception type: messages can carry host names and connection details.
    private static ComponentHealth Down(Stopwatch watch, Exception exception) =>
        new(HealthStatus.Unhealthy, Elapsed(watch), exception is OperationCanceledException ? "timeout" : exception.GetType().Name);

    private static double Elapsed(Stopwatch watch) => Math.Round(watch.Elapsed.TotalMilliseconds, 1);
}
