namespace Circly.Core.Templates;

public sealed record Template(Guid Id, string Category, string QuestionText, string Emoji, int UsageCount);

public sealed record TemplatePage(IReadOnlyList<Template> Items, int Total, int Limit, int Offset);
