namespace Circly.Core.Errors;

/// <summary>Short constructors for the failures services raise most.</summary>
public static class Fail
{
    public static CirclyException Required(string field) =>
        new(ErrorCodes.ValidationRequired, $"'{field}' is required.", Field(field));

    public static CirclyException InvalidFormat(string field, string problem) =>
        new(ErrorCodes.ValidationInvalidFormat, $"'{field}' {problem}", Field(field));

    public static CirclyException OutOfRange(string field, string problem) =>
        new(ErrorCodes.ValidationOutOfRange, $"'{field}' {problem}", Field(field));

    public static CirclyException With(string code, string message) => new(code, message);

    private static Dictionary<string, string> Field(string field) => new() { ["field"] = field };
}
