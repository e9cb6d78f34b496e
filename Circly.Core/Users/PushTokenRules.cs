using System.Text.RegularExpressions;
using Circly.Core.Errors;

namespace Circly.Core.Users;

public static partial class PushTokenRules
{
    /// <summary>Expo push tokens: ExponentPushToken[...] (or the newer ExpoPushToken[...]).</summary>
    public static string Validate(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            throw Fail.Required("token");
        }
        return ExpoToken().IsMatch(token) ? token : throw Fail.InvalidFormat("token", "must be an Expo push token such as ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx].");
    }

    // \z, not $: .NET's $ also matches before a final newline.
    [GeneratedRegex(@"^Expo(nent)?PushToken\[[A-Za-z0-9_-]{16,200}\]\z")]
    private static partial Regex ExpoToken();
}
