using Circly.Core.Database;
using Dapper;
using Npgsql;

namespace Circly.Core.Templates;

internal sealed class TemplateRepository(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, category, question_text, emoji, usage_count";

    private const string ActiveInCategory = "FROM question_templates WHERE is_active AND (@category::text IS NULL OR category = @category)";

    private const string Everything = "FROM question_templates";

    public async Task<TemplatePage> ListAsync(string? category, int limit, int offset, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {Columns}, count(*) OVER () AS total {ActiveInCategory}
            ORDER BY category, question_text
            LIMIT @limit OFFSET @offset
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var parameters = new { category, limit, offset };
        var rows = (await connection.QueryAsync<TemplateRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();
        var total = await PageTotal.OfAsync(connection, rows.FirstOrDefault()?.Total, offset, ActiveInCategory, parameters, cancellationToken);
        return new TemplatePage(rows.Select(r => r.ToTemplate()).ToList(), total, limit, offset);
    }

    public async Task<IReadOnlyList<Template>> PopularAsync(int limit, CancellationToken cancellationToken)
    {
        const string sql = $"SELECT {Columns} FROM question_templates WHERE is_active ORDER BY usage_count DESC, question_text LIMIT @limit";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Template>(new CommandDefinition(sql, new { limit }, cancellationToken: cancellationToken))).ToList();
    }

    public Task<Template?> FindActiveAsync(Guid templateId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<Template>(new CommandDefinition(
            $"SELECT {Columns} FROM question_templates WHERE id = @templateId AND is_active", new { templateId }, transaction, cancellationToken: cancellationToken));

    public Task RecordUseAsync(Guid templateId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE question_templates SET usage_count = usage_count + 1 WHERE id = @templateId", new { templateId }, transaction, cancellationToken: cancellationToken));

    private const string AdminColumns = "id, category, question_text, emoji, usage_count, is_active";

    /// <summary>Null when the text is already a template (question_text is unique).</summary>
    public Task<AdminTemplate?> InsertAsync(string category, string questionText, string emoji, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<AdminTemplate>(new CommandDefinition($"""
            INSERT INTO question_templates (category, question_text, emoji) VALUES (@category, @questionText, @emoji)
            ON CONFLICT (question_text) DO NOTHING
            RETURNING {AdminColumns}
            """, new { category, questionText, emoji }, transaction, cancellationToken: cancellationToken));

    public Task<AdminTemplate?> UpdateAsync(Guid templateId, string? category, string? questionText, string? emoji, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<AdminTemplate>(new CommandDefinition($"""
            UPDATE question_templates SET category = coalesce(@category, category), question_text = coalesce(@questionText, question_text),
                emoji = coalesce(@emoji, emoji)
            WHERE id = @templateId
            RETURNING {AdminColumns}
            """, new { templateId, category, questionText, emoji }, transaction, cancellationToken: cancellationToken));

    public Task<AdminTemplate?> DeactivateAsync(Guid templateId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<AdminTemplate>(new CommandDefinition(
            $"UPDATE question_templates SET is_active = false WHERE id = @templateId RETURNING {AdminColumns}",
            new { templateId }, transaction, cancellationToken: cancellationToken));

    /// <summary>Every template, active or not, for the admin console: active first, then by category and text.</summary>
    public async Task<(IReadOnlyList<AdminTemplate> Items, int Total)> ListAllAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {AdminColumns}, count(*) OVER () AS total {Everything}
            ORDER BY is_active DESC, category, question_text
            LIMIT @limit OFFSET @offset
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var parameters = new { limit, offset };
        var rows = (await connection.QueryAsync<AdminTemplateRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();
        var total = await PageTotal.OfAsync(connection, rows.FirstOrDefault()?.Total, offset, Everything, parameters, cancellationToken);
        return ([.. rows.Select(r => new AdminTemplate(r.Id, r.Category, r.QuestionText, r.Emoji, r.UsageCount, r.IsActive))], total);
    }

    private sealed record AdminTemplateRow(Guid Id, string Category, string QuestionText, string Emoji, int UsageCount, bool IsActive, long Total);

    private sealed record TemplateRow(Guid Id, string Category, string QuestionText, string Emoji, int UsageCount, long Total)
    {
        public Template ToTemplate() => new(Id, Category, QuestionText, Emoji, UsageCount);
    }
}
