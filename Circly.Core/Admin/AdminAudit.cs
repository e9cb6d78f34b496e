using System.Text.Json;
using Circly.Core.Database;
using Dapper;
using Npgsql;

namespace Circly.Core.Admin;

/// <summary>One admin action: who, what, on what, why, when. Details never hold votes or who voted.</summary>
public sealed record AuditEntry(long Id, string Actor, string Action, string TargetType, string TargetId, string? Reason, JsonElement Details, DateTimeOffset CreatedAt);

public sealed record AuditQuery(string? Action, string? TargetType, string? TargetId, string? Actor, int Limit, int Offset);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int Total);

/// <summary>
/// The admin audit log (admin_audit_log). Entries are written in the transaction of the action they
/// record, so an action without its entry cannot commit; the table refuses UPDATE, DELETE and
/// TRUNCATE (migration 0011), so entries cannot be changed or removed afterwards.
/// </summary>
public sealed class AdminAudit(NpgsqlDataSource dataSource)
{
    public Task AppendAsync(AdminIdentity admin, string action, string targetType, string targetId, string? reason, object? details,
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO admin_audit_log (actor, action, target_type, target_id, reason, details)
            VALUES (@actor, @action, @targetType, @targetId, @reason, @details::jsonb)
            """, new
        {
            actor = admin.Actor, action, targetType, targetId, reason,
            details = JsonSerializer.Serialize(details ?? new { }, JsonSerializerOptions.Web),
        }, transaction, cancellationToken: cancellationToken));

    private const string MatchingEntries = """
        FROM admin_audit_log
        WHERE (@action::text IS NULL OR action = @action)
          AND (@targetType::text IS NULL OR target_type = @targetType)
          AND (@targetId::text IS NULL OR target_id = @targetId)
          AND (@actor::text IS NULL OR actor = @actor)
        """;

    public async Task<AuditPage> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT id, actor, action, target_type, target_id, reason, details::text AS details, created_at, count(*) OVER () AS total
            {MatchingEntries}
            ORDER BY created_at DESC, id DESC
            LIMIT @limit OFFSET @offset
            """;
        var parameters = new { query.Action, query.TargetType, query.TargetId, query.Actor, query.Limit, query.Offset };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();
        var total = await PageTotal.OfAsync(connection, rows.FirstOrDefault()?.Total, query.Offset, MatchingEntries, parameters, cancellationToken);
        return new AuditPage([.. rows.Select(r => new AuditEntry(r.Id, r.Actor, r.Action, r.TargetType, r.TargetId, r.Reason,
            JsonDocument.Parse(r.Details).RootElement.Clone(), r.CreatedAt))], total);
    }

    /// <summary>Runs an admin action and its audit entry in one transaction.</summary>
    public async Task<T> RecordAsync<T>(AdminIdentity admin, string action, string targetType, string targetId, string? reason,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<(T Result, object? Details)>> work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (result, details) = await work(connection, transaction);
        await AppendAsync(admin, action, targetType, targetId, reason, details, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private sealed record Row(long Id, string Actor, string Action, string TargetType, string TargetId, string? Reason, string Details, DateTimeOffset CreatedAt, long Total);
}
