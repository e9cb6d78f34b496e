using Circly.Core.Sharing;

namespace Circly.Tests.Sharing;

/// <summary>Card texts the rendering tests draw: an ordinary card and the hard cases.</summary>
internal static class CardSamples
{
    public const string StoreLink = "circly.app/get";

    /// <summary>120 characters, the longest a question can be.</summary>
    public static readonly string LongQuestion =
        "Who would you call first when everything goes wrong at two in the morning and you need someone calm, kind and funny too?";

    public static CardContent Ordinary(ShareCardFormat format) =>
        CardContent.For(format, 3, "Who has the best laugh?", "Sam", circleName: null, StoreLink);

    public static IEnumerable<(string Name, CardContent Content)> EdgeCases(ShareCardFormat format) =>
    [
        ("emoji nickname", CardContent.For(format, 1, "Who has the best laugh? 😂", "Mia 🌻✨👩🏽‍🎤🇧🇷", null, StoreLink)),
        ("120-character question", CardContent.For(format, 12, LongQuestion, "Alexandra", "Class 7B's crew!", StoreLink)),
        ("Arabic nickname", CardContent.For(format, 2, "Who is the best listener?", "نور الهدى", "أصدقاء المدرسة", StoreLink)),
        ("Cyrillic nickname", CardContent.For(format, 5, "Who makes everyone feel included?", "Анастасия Ковальчук", "Друзья навсегда", StoreLink)),
        ("30 emoji, no space", CardContent.For(format, 200, LongQuestion, string.Concat(Enumerable.Repeat("😂", 30)), new string('W', 50), StoreLink)),
        ("30 wide letters, no space", CardContent.For(format, 4, LongQuestion, new string('W', 30), "ОченьДлинноеНазваниеКругаБезПробеловВообщеСовсем", StoreLink)),
    ];
}
