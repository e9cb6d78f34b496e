using System.Text.Json;
using Dapper;
using Npgsql;

namespace Circly.Core.Outbox;

/// <summary>Writes an event in the caller's transaction: it exists exactly when the change it announces does.</summary>
public static class OutboxWriter
{
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    public static Task<Guid> AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string eventType, object payload, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
            "INSERT INTO outbox_events (event_type, payload) VALUES (@eventType, @payload::jsonb) RETURNING id",
            new { eventType, payload = JsonSerializer.Serialize(payload, PayloadJson) }, transaction, cancellationToken: cancellationToken));

    public static T Read<T>(JsonElement payload) => payload.Deserialize<T>(PayloadJson) ?? throw new JsonException($"Empty {typeof(T).Name} payload.");

    public static string Serialize(OutboxMessage message) => JsonSerializer.Serialize(message, PayloadJson);

    public static OutboxMessage Parse(string text) => JsonSerializer.Deserialize<OutboxMessage>(text, PayloadJson) ?? throw new JsonException("Empty outbox message.");
}
