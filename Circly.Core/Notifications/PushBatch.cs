using System.Text.Json;

namespace Circly.Core.Notifications;

/// <summary>
/// One message on the push-batches queue: up to 100 notifications for one event (Expo's limit per
/// request). The fan-out writes it, the push sender reads it. EventId is the idempotency key: a
/// device receives at most one push per event, however often the message is delivered.
/// EventCreatedAt (the outbox event's time) dates the claims, so the cleanup can expire them.
/// </summary>
public sealed record PushBatch(Guid BatchId, Guid EventId, IReadOnlyList<PushMessage> Messages, DateTimeOffset EventCreatedAt = default);

/// <summary>One notification for one device. Data becomes the notification's data payload in the app.</summary>
public sealed record PushMessage(Guid UserId, string Token, string Title, string Body, IReadOnlyDictionary<string, string> Data);

/// <summary>The queue format of push batches: camelCase JSON (System.Text.Json's web defaults).</summary>
public static class PushBatches
{
    /// <summary>Expo accepts at most 100 notifications per request.</summary>
    public const int MaxMessages = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(PushBatch batch) => JsonSerializer.Serialize(Validate(batch), Json);

    /// <summary>Throws for anything the sender must not try (the queue then moves the message to poison).</summary>
    public static PushBatch Parse(string text) =>
        Validate(JsonSerializer.Deserialize<PushBatch>(text, Json) ?? throw new InvalidPushBatchException("The message is empty."));

    public static PushBatch Validate(PushBatch batch)
    {
        if (batch.Messages is null)
        {
            throw new InvalidPushBatchException("The batch has no messages array.");
        }
        if (batch.Messages.Count > MaxMessages)
        {
            throw new InvalidPushBatchException($"The batch has {batch.Messages.Count} messages; at most {MaxMessages} are allowed.");
        }
        if (batch.EventId == Guid.Empty)
        {
            throw new InvalidPushBatchException("The batch has no event id.");
        }
        foreach (var message in batch.Messages)
        {
            if (message is null || string.IsNullOrWhiteSpace(message.Token) || message.Title is null || message.Body is null)
            {
                throw new InvalidPushBatchException("Every message needs a token, a title and a body.");
            }
        }
        return batch;
    }
}

/// <summary>A push batch the sender refuses: never retried successfully, so it ends in push-batches-poison.</summary>
public sealed class InvalidPushBatchException(string message) : Exception(message);
