namespace Circly.Core.Errors;

/// <summary>
/// A domain failure with one of the seed's error codes. Services throw it; the HTTP layer
/// maps the code to a status in one table and the message and details go to the client as they are,
/// so neither may carry anything a client must not see.
/// </summary>
public class CirclyException(string code, string message, IReadOnlyDictionary<string, string>? details = null)
    : Exception(message)
{
    public string Code { get; } = code;

    public IReadOnlyDictionary<string, string>? Details { get; } = details;
}
