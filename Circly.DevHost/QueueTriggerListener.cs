using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Circly.DevHost;

/// <summary>
/// Polls one queue from Azurite the way the Functions host does: batches, exponential back-off
/// up to maxPollingInterval when empty, the next batch fetched as soon as no more than
/// newBatchThreshold messages are still running (so up to batchSize + newBatchThreshold run at
/// once, and one slow message does not hold back the next batch), Base64 message encoding, a failed message made visible
/// again after visibilityTimeout, and after maxDequeueCount attempts moved to &lt;queue&gt;-poison.
/// </summary>
public sealed partial class QueueTriggerListener(
    FunctionDescriptor function,
    QueueServiceClient queues,
    QueueHostOptions options,
    IServiceProvider services,
    ILogger<QueueTriggerListener> logger) : BackgroundService
{
    // How long a message stays hidden while the function runs: the host's QueueListener takes
    // messages with a fixed 10-minute visibility (renewed halfway while the function runs; here
    // functionTimeout, 5 min, ends a run first). As on the host, a message whose release fails after
    // a failed run (storage down) stays hidden until this runs out; an outbox event in it is sent
    // again sooner by the outbox sweep (Outbox:RedeliverAfter, docs/ARCHITECTURE.md "Outbox").
    private static readonly TimeSpan ProcessingLease = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    private readonly QueueClient _queue = queues.GetQueueClient(function.QueueName);
    private readonly QueueClient _poison = queues.GetQueueClient(function.QueueName + "-poison");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        try
        {
            await PollAsync(running, stoppingToken);
        }
        finally
        {
            await Task.WhenAll(running);
        }
    }

    private async Task PollAsync(List<Task> running, CancellationToken stoppingToken)
    {
        var delay = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                await _queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                messages = (await _queue.ReceiveMessagesAsync(options.BatchSize, ProcessingLease, stoppingToken)).Value;
            }
            catch (Exception exception) when (exception is RequestFailedException or HttpRequestException or AggregateException)
            {
                LogPollFailed(logger, function.QueueName!, exception.Message);
                messages = [];
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (messages.Length == 0)
            {
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxPollingInterval.Ticks));
                await SleepAsync(delay, stoppingToken);
                continue;
            }
            delay = MinPollingInterval;
            running.RemoveAll(task => task.IsCompleted);
            running.AddRange(messages.Select(message => ProcessAsync(message, stoppingToken)));
            // As the host's QueueListener.WaitForNewBatchThreshold: the next poll as soon as enough have finished.
            while (running.Count > options.EffectiveNewBatchThreshold)
            {
                running.Remove(await Task.WhenAny(running));
            }
        }
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        try
        {
            await FunctionInvoker.InvokeQueueAsync(function, services, Decode(message), message, stoppingToken);
            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-run: the host lets a running function finish before it stops; this
            // host cancels it, so it gives the message back at once rather than leave it hidden for
            // the lease (10 minutes) behind a stopped app.
            try
            {
                await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
            }
            catch (RequestFailedException)
            {
                // Already completed, or storage is gone: the lease runs out by itself.
            }
        }
        catch (Exception exception)
        {
            var failure = exception.InnerException ?? exception;
            LogFailed(logger, function.Name, message.MessageId, message.DequeueCount, failure.GetType().Name, failure.Message);
            try
            {
                if (message.DequeueCount >= options.MaxDequeueCount)
                {
                    await _poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
                    await _poison.SendMessageAsync(message.Body.ToString(), CancellationToken.None);
                    await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
                    LogPoisoned(logger, message.MessageId, _poison.Name);
                }
                else
                {
                    await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: options.VisibilityTimeout, cancellationToken: CancellationToken.None);
                }
            }
            catch (RequestFailedException storageFailure)
            {
                // The lease runs out and the message comes back by itself.
                LogPollFailed(logger, function.QueueName!, storageFailure.Message);
            }
        }
    }

    private string Decode(QueueMessage message) =>
        string.Equals(options.MessageEncoding, "base64", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString()))
            : message.Body.ToString();

    private static async Task SleepAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling queue {Queue} failed: {Reason}")]
    private static partial void LogPollFailed(ILogger logger, string queue, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} failed on message {MessageId} (attempt {DequeueCount}): {ExceptionType}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string function, string messageId, long dequeueCount, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} moved to {PoisonQueue}")]
    private static partial void LogPoisoned(ILogger logger, string messageId, string poisonQueue);
}
