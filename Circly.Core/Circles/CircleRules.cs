using Circly.Core.Text;
using System.Text;
using Circly.Core.Errors;

namespace Circly.Core.Circles;

/// <summary>Validation of what people send about circles. docs/API.md explains the rules.</summary>
public static class CircleRules
{
    public const int NameMaxLength = 50;
    public const int NicknameMaxLength = 30;
    public const int DefaultMaxMembers = 30;
    public const int SmallestMaxMembers = 2;

    /// <summary>
    /// Room for a whole grade's club or team (a school year group is rarely above 200); polls in
    /// large circles list their options in a searchable list. The schema's CHECK says the same.
    /// </summary>
    public const int LargestMaxMembers = 200;

    private const string KindRefusal = "isn't allowed in Circly. Please choose something friendly.";

    /// <summary>
    /// A nickname: NFKC (so ｊｅｓｓ and 𝐣𝐞𝐬𝐬 are jess, and cannot pose as someone else), whitespace
    /// collapsed and trimmed, 1-30 characters, letters, digits, spaces and emoji only, no blocked word.
    /// </summary>
    public static string Nickname(string? value, string field = "nickname")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Fail.Required(field);
        }
        var nickname = DisplayText.Clean(value, NormalizationForm.FormKC) ?? throw NotText(field);
        if (nickname.Length == 0)
        {
            throw Fail.Required(field);
        }
        if (DisplayText.Length(nickname) > NicknameMaxLength)
        {
            throw Fail.OutOfRange(field, $"must be 1 to {NicknameMaxLength} characters long.");
        }
        if (!DisplayText.IsNicknameText(nickname))
        {
            throw Fail.InvalidFormat(field, "may contain only letters, numbers, spaces and emoji.");
        }
        return BlockedWords.Shipped.IsBlocked(nickname) ? throw Fail.InvalidFormat(field, KindRefusal) : nickname;
    }

    /// <summary>A circle name: NFC, whitespace collapsed and trimmed, 1-50 characters, printable text only, no blocked word.</summary>
    public static string CircleName(string? value, string field = "name")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Fail.Required(field);
        }
        var name = DisplayText.Clean(value, NormalizationForm.FormC) ?? throw NotText(field);
        if (name.Length == 0)
        {
            throw Fail.Required(field);
        }
        if (DisplayText.Length(name) > NameMaxLength)
        {
            throw Fail.OutOfRange(field, $"must be 1 to {NameMaxLength} characters long.");
        }
        if (!DisplayText.IsNameText(name))
        {
            throw Fail.InvalidFormat(field, "may contain only letters, numbers, spaces, punctuation and emoji.");
        }
        return BlockedWords.Shipped.IsBlocked(name) ? throw Fail.InvalidFormat(field, KindRefusal) : name;
    }

    public static int MaxMembers(int? value) => value switch
    {
        null => DefaultMaxMembers,
        >= SmallestMaxMembers and <= LargestMaxMembers => value.Value,
        _ => throw Fail.OutOfRange("maxMembers", $"must be between {SmallestMaxMembers} and {LargestMaxMembers}."),
    };

    public static DateTimeOffset? ExpiresAt(DateTimeOffset? value, DateTimeOffset now) =>
        value is null || value > now ? value : throw Fail.OutOfRange("expiresAt", "must be in the future.");

    /// <summary>A circle id from a URL. A malformed one is a circle that does not exist, like any other.</summary>
    public static Guid CircleId(string? value) =>
        Guid.TryParse(value, out var id) ? id : throw NotFound();

    /// <summary>A member id from a URL; a malformed one matches no member (checked after the caller's access, like any other).</summary>
    public static Guid MemberId(string? value) =>
        Guid.TryParse(value, out var id) ? id : Guid.Empty;

    internal static CirclyException NotFound() => Fail.With(ErrorCodes.CircleNotFound, "Circle not found.");

    internal static CirclyException MemberNotFound() => Fail.With(ErrorCodes.NotFound, "There is no such member in this circle.");

    private static CirclyException NotText(string field) => Fail.InvalidFormat(field, "is not valid text.");
}
