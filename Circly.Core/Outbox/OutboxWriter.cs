using System.Text.Json;
using Dapper;
using Npgsql;

namespace Circly.Core.Outbox;

/// <summary>Writes an event in the caller's transaction: it exists exactly when the change it announces does.</summary>
public static class OutboxWriter
{
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    private const string InsertOne = "INSERT INTO outbox_events (event_type, payload) VALUES (@eventType, @payload::jsonb) RETURNING id";

    public static Task<Guid> AddAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string eventType, object payload, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<Guid>(new CommandDefinition(InsertOne,
            new { eventType, payload = JsonSerializer.Serialize(payload, PayloadJson) }, transaction, cancellationToken: cancellationToken));

    /// <summary>Many events of one type in one statement (a set-based timer run), payloads serialized from their C# records.</summary>
    public static async Task<Guid[]> AddManyAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string eventType, IEnumerable<T> payloads, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<Guid>(new CommandDefinition(
            "INSERT INTO outbox_events (event_type, payload) SELECT @eventType, p::jsonb FROM unnest(@payloads) AS p RETURNING id",
            new { eventType, payloads = payloads.Select(p => JsonSerializer.Serialize(p, PayloadJson)).ToArray() }, transaction,
            commandTimeout: 300, cancellationToken: cancellationToken))).ToArray();

    /// <summary>An event that announces no database change of its own (a push batch, an inbox read): its own one-statement transaction.</summary>
    public static async Task<Guid> AddAloneAsync(NpgsqlDataSource dataSource, string eventType, object payload, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await AddAsync(connection, null, eventType, payload, cancellationToken);
    }

    public static T Read<T>(JsonElement payload) => payload.Deserialize<T>(PayloadJson) ?? throw new JsonException($"Empty {typeof(T).Name} payload.");

    public static string Serialize(OutboxMessage message) => JsonSerializer.Serialize(message, PayloadJson);

    public static OutboxMessage Parse(string text) => JsonSerializer.Deserialize<OutboxMessage>(text, PayloadJson) ?? throw new JsonException("Empty outbox message.");
}
