using Microsoft.Extensions.Options;

namespace Circly.Core.Circles;

/// <summary>The links an invite is shared as: the app's deep link and the public web page.</summary>
public sealed class InviteLinks(IOptions<AppOptions> options)
{
    private readonly string _baseUrl = options.Value.PublicBaseUrl.TrimEnd('/');

    /// <summary>circly://join/{code}: opens the app on the join screen.</summary>
    public string AppUrl(string code) => InviteCodes.AppUrl(code);

    /// <summary>{App__PublicBaseUrl}/join/{code}: the invite page, for chats and for friends without the app.</summary>
    public string WebUrl(string code) => $"{_baseUrl}/join/{Uri.EscapeDataString(code)}";
}
