using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Functions.Worker;

namespace Circly.DevHost;

/// <summary>
/// The host's keys, as DevHost stands in for them: the master key (DevHost:MasterKey) opens
/// everything, a function key (DevHost:FunctionKey) opens functions whose HTTP trigger has
/// AuthorizationLevel.Function. Like the host, a key comes in the <c>x-functions-key</c> header
/// or the <c>code</c> query parameter; a missing or wrong key is a bare 401.
/// </summary>
public sealed class FunctionKeys(IConfiguration configuration)
{
    public const string MasterKeySetting = "DevHost:MasterKey";
    public const string FunctionKeySetting = "DevHost:FunctionKey";

    public bool HasMasterKey(HttpRequest request) => Matches(Given(request), configuration[MasterKeySetting]);

    /// <summary>Whether the request may call a function of this level, as the host decides it.</summary>
    public bool Allows(AuthorizationLevel level, HttpRequest request) => level switch
    {
        AuthorizationLevel.Anonymous => true,
        AuthorizationLevel.Function => HasMasterKey(request) || Matches(Given(request), configuration[FunctionKeySetting]),
        _ => HasMasterKey(request),
    };

    private static string? Given(HttpRequest request) =>
        request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();

    private static bool Matches(string? given, string? expected) =>
        !string.IsNullOrEmpty(expected) && given is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
