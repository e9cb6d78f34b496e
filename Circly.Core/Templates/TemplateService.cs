using Circly.Core.Errors;
using Npgsql;

namespace Circly.Core.Templates;

/// <summary>The positive question templates polls are made from. Only active ones are offered.</summary>
public sealed class TemplateService
{
    public static readonly IReadOnlySet<string> Categories = new HashSet<string>(StringComparer.Ordinal)
    {
        "kindness", "fun", "talents", "school", "friendship", "character", "creativity", "sports",
    };

    private readonly TemplateRepository _repository;

    internal TemplateService(TemplateRepository repository) => _repository = repository;

    public Task<TemplatePage> ListAsync(string? category, int limit, int offset, CancellationToken cancellationToken)
    {
        if (category is not null && !Categories.Contains(category))
        {
            throw Fail.InvalidFormat("category", $"must be one of {string.Join(", ", Categories.Order())}.");
        }
        return _repository.ListAsync(category, limit, offset, cancellationToken);
    }

    public Task<IReadOnlyList<Template>> PopularAsync(int limit, CancellationToken cancellationToken) =>
        _repository.PopularAsync(limit, cancellationToken);

    /// <summary>For poll creation, in its transaction: the active template, its use counted.</summary>
    public async Task<Template> UseAsync(Guid templateId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var template = await _repository.FindActiveAsync(templateId, connection, transaction, cancellationToken)
            ?? throw Fail.With(ErrorCodes.TemplateNotFound, "No active question template has this id.");
        await _repository.RecordUseAsync(templateId, connection, transaction, cancellationToken);
        return template;
    }
}
