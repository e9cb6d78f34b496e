using System.Text.RegularExpressions;

namespace Circly.Functions.Http;

/// <summary>Echoes a well-formed X-Request-ID from the client, or makes one.</summary>
public static partial class RequestId
{
    public const string Header = "X-Request-ID";

    public static string For(HttpContext context)
    {
        if (context.Items[Header] is string known)
        {
            return known;
        }
        var sent = context.Request.Headers[Header].ToString();
        var id = SafeId().IsMatch(sent) ? sent : "req_" + Guid.NewGuid().ToString("N");
        context.Items[Header] = id;
        return id;
    }

    // Bounded and plain so a client cannot inject log lines or headers through it.
    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,128}\z")]
    private static partial Regex SafeId();
}
