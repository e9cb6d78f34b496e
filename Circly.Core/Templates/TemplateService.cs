using Circly.Core.Text;
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

    // ---- For the admin API: changes run in the caller's transaction, with the audit entry ----

    /// <summary>Every template, deactivated ones too (the admin console's list).</summary>
    public Task<(IReadOnlyList<AdminTemplate> Items, int Total)> ListAllAsync(int limit, int offset, CancellationToken cancellationToken) =>
        _repository.ListAllAsync(limit, offset, cancellationToken);

    /// <summary>A new active template. The text must pass the word filter and be unique.</summary>
    public async Task<AdminTemplate> CreateAsync(TemplateRequest request, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var category = Category(request.Category ?? throw Fail.Required("category"));
        var text = QuestionText(request.QuestionText ?? throw Fail.Required("questionText"));
        var emoji = Emoji(request.Emoji ?? throw Fail.Required("emoji"));
        return await _repository.InsertAsync(category, text, emoji, connection, transaction, cancellationToken)
            ?? throw Fail.InvalidFormat("questionText", "is already a template.");
    }

    /// <summary>Changes the fields sent; the others stay. Null fields are left as they are.</summary>
    public async Task<AdminTemplate> UpdateAsync(Guid templateId, TemplateRequest request, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (request is { Category: null, QuestionText: null, Emoji: null })
        {
            throw Fail.Required("body");
        }
        var category = request.Category is null ? null : Category(request.Category);
        var text = request.QuestionText is null ? null : QuestionText(request.QuestionText);
        var emoji = request.Emoji is null ? null : Emoji(request.Emoji);
        try
        {
            return await _repository.UpdateAsync(templateId, category, text, emoji, connection, transaction, cancellationToken) ?? throw NotFound();
        }
        catch (PostgresException taken) when (taken.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw Fail.InvalidFormat("questionText", "is already a template.");
        }
    }

    /// <summary>The template is no longer offered for new polls; polls made from it stay as they are.</summary>
    public async Task<AdminTemplate> DeactivateAsync(Guid templateId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        await _repository.DeactivateAsync(templateId, connection, transaction, cancellationToken) ?? throw NotFound();

    private static string Category(string value) =>
        Categories.Contains(value) ? value : throw Fail.InvalidFormat("category", $"must be one of {string.Join(", ", Categories.Order())}.");

    /// <summary>5 to 120 characters, a question, and nothing the word filter refuses.</summary>
    private static string QuestionText(string value)
    {
        var text = string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Normalize(System.Text.NormalizationForm.FormC);
        if (text.EnumerateRunes().Count() is < 5 or > 120)
        {
            throw Fail.OutOfRange("questionText", "must be 5 to 120 characters long.");
        }
        if (text.Any(char.IsControl))
        {
            throw Fail.InvalidFormat("questionText", "contains characters that are not text.");
        }
        return BlockedWords.Shipped.IsBlocked(text) ? throw Fail.InvalidFormat("questionText", "contains words Circly does not allow.") : text;
    }

    private static string Emoji(string value)
    {
        var emoji = value.Trim();
        return emoji.EnumerateRunes().Count() is >= 1 and <= 16 && !emoji.Any(char.IsControl) && !emoji.Any(char.IsWhiteSpace)
            ? emoji
            : throw Fail.InvalidFormat("emoji", "must be one emoji (1 to 16 characters, no spaces).");
    }

    private static CirclyException NotFound() => Fail.With(ErrorCodes.TemplateNotFound, "No question template has this id.");

    /// <summary>For poll creation, in its transaction: the active template, its use counted.</summary>
    public async Task<Template> UseAsync(Guid templateId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var template = await _repository.FindActiveAsync(templateId, connection, transaction, cancellationToken)
            ?? throw Fail.With(ErrorCodes.TemplateNotFound, "No active question template has this id.");
        await _repository.RecordUseAsync(templateId, connection, transaction, cancellationToken);
        return template;
    }
}
