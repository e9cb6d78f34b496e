using Circly.Core.Text;

namespace Circly.Tests.Circles;

/// <summary>The word filter on its own: what it catches, and the ordinary names it must let through.</summary>
public sealed class BlockedWordsTests
{
    [Fact]
    public void EveryEntryOfTheShippedListIsBlocked()
    {
        var entries = ShippedEntries();

        Assert.True(entries.Count > 150, $"only {entries.Count} entries");
        Assert.All(entries, entry => Assert.True(BlockedWords.Shipped.IsBlocked(entry), entry));
        Assert.All(entries, entry => Assert.True(BlockedWords.Shipped.IsBlocked($"The {entry.ToUpperInvariant()} club"), entry));
    }

    [Theory]
    [InlineData("sh1t")]
    [InlineData("5hit")]
    [InlineData("$hit")]
    [InlineData("@ss")]
    [InlineData("b!tch")]
    [InlineData("pr0n p0rn")]
    [InlineData("w33d")]
    [InlineData("s3xy")]
    [InlineData("c0caine")]
    [InlineData("r4pe")]
    [InlineData("4nal")]
    [InlineData("s1ut")]
    [InlineData("7wat")]
    [InlineData("f4g")]
    public void LeetspeakIsReadAsLetters(string text) => Assert.True(BlockedWords.Shipped.IsBlocked(text), text);

    [Theory]
    [InlineData("f.u.c.k")]
    [InlineData("f-u-c-k")]
    [InlineData("F U C K")]
    [InlineData("fu ck")]
    [InlineData("fuuuuuuck")]
    [InlineData("fück")]
    [InlineData("ƒuck")]
    [InlineData("ⓕⓤⓒⓚ")]
    [InlineData("🅵🆄🅲🅺")]
    [InlineData("𝓯𝓾𝓬𝓴")]
    [InlineData("ѕhit")]
    [InlineData("motherfuckers")]
    [InlineData("dumbfuck")]
    [InlineData("bitches")]
    [InlineData("ILOVEPORNHUB")]
    [InlineData("kill yourself")]
    [InlineData("killyourself")]
    [InlineData("🖕🏽")]
    public void DisguisesAndLongerWordsAreCaught(string text) => Assert.True(BlockedWords.Shipped.IsBlocked(text), text);

    [Theory]
    [InlineData("Class of 2027")]
    [InlineData("Grape Escape")]
    [InlineData("Cassie")]
    [InlineData("Peacock Squad")]
    [InlineData("Therapists in training")]
    [InlineData("Assembly crew")]
    [InlineData("Nigeria squad")]
    [InlineData("Hancock High")]
    [InlineData("Dickens fans")]
    [InlineData("Sussex Stars")]
    [InlineData("Scrapbook Club")]
    [InlineData("Analysis group")]
    [InlineData("Cocktail of friends")]
    [InlineData("Spicy ramen")]
    [InlineData("Raccoon gang")]
    [InlineData("Method actors")]
    [InlineData("Swanky")]
    [InlineData("Heroine")]
    [InlineData("Shuttlecock")]
    [InlineData("Basement band")]
    [InlineData("Titan")]
    [InlineData("Assassins creed fans")]
    [InlineData("Matsushita")]
    [InlineData("Kumquat")]
    [InlineData("Els Lutz")]
    [InlineData("Bass 4 life")]
    [InlineData("Pass the ball")]
    [InlineData("Mr Ap E")]
    [InlineData("Ana")]
    [InlineData("Sam")]
    [InlineData("🌞 Sunny")]
    [InlineData("さくら")]
    public void OrdinaryNamesPass(string text) => Assert.False(BlockedWords.Shipped.IsBlocked(text), text);

    [Fact]
    public void AListWithoutBothKindsOfEntriesOrWithAMalformedEntryIsRefused()
    {
        Assert.Throws<FormatException>(() => new BlockedWords(["onlywhole"]));
        Assert.Throws<FormatException>(() => new BlockedWords(["ok", "*ok", "Not Lowercase"]));
        Assert.Throws<FormatException>(() => new BlockedWords(["ok", "*ok", "sym(bol"]));
    }

    private static List<string> ShippedEntries()
    {
        var path = Path.Combine(Infrastructure.RepoPaths.Root, "Circly.Core", "Text", "BlockedWords.txt");
        return [.. File.ReadAllLines(path)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.TrimStart('*').Trim())];
    }
}
