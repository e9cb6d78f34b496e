namespace Circly.Core.Templates;

public sealed record Template(Guid Id, string Category, string QuestionText, string Emoji, int UsageCount);

public sealed record TemplatePage(IReadOnlyList<Template> Items, int Total, int Limit, int Offset);

/// <summary>A template as admins see it: active or not.</summary>
public sealed record AdminTemplate(Guid Id, string Category, string QuestionText, string Emoji, int UsageCount, bool IsActive);

/// <summary>What an admin sends to create (all fields) or edit (the fields to change) a template.</summary>
public sealed record TemplateRequest(string? Category, string? QuestionText, string? Emoji);
