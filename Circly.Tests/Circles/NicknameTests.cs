using System.Net;
using Circly.Core.Circles;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Circles;

public sealed class NicknameTests(CirclyStack stack)
{
    [Theory]
    [InlineData("bea")]
    [InlineData("BEA")]
    [InlineData("  Bea  ")]
    [InlineData("Ｂｅａ")]
    [InlineData("𝐁𝐞𝐚")]
    public async Task ANicknameTakenInTheCircleIsRefusedInAnyCaseOrDisguise(string nickname)
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1);
        var bea = await stack.Client.NewUserAsync();
        await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Bea" }, bea.AccessToken);
        var copycat = await stack.Client.NewUserAsync();

        var call = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname }, copycat.AccessToken);

        Assert.Equal(HttpStatusCode.Conflict, call.Status);
        Assert.Equal(ErrorCodes.CircleNicknameTaken, call.ErrorCode);
        Assert.Equal("nickname", call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
        Assert.Contains("already uses that nickname", call.ErrorMessage);
    }

    [Fact]
    public async Task ANicknameIsFreeAgainOnceItsMemberLeftAndTheSameNicknameWorksInOtherCircles()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);
        var other = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1);
        await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, circle.Others[0].AccessToken);
        var newcomer = await stack.Client.NewUserAsync();

        var here = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "member 2" }, newcomer.AccessToken);
        var there = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = other.InviteCode, nickname = "Member 2" }, newcomer.AccessToken);

        Assert.Equal(HttpStatusCode.OK, here.Status);
        Assert.Equal(HttpStatusCode.OK, there.Status);
    }

    [Theory]
    [InlineData("Sunny 🌞", "Sunny 🌞")]
    [InlineData("👩🏽‍💻 coder", "👩🏽‍💻 coder")]
    [InlineData("🏳️‍🌈", "🏳️‍🌈")]
    [InlineData("Zoë", "Zoë")]
    [InlineData("José   María", "José María")]
    [InlineData("प्रिया", "प्रिया")]
    [InlineData("さくら", "さくら")]
    [InlineData("Ｍｉａ", "Mia")]
    [InlineData("Kai 2", "Kai 2")]
    [InlineData("❤️ Lu", "❤️ Lu")]
    [InlineData("1️⃣ fan", "1️⃣ fan")]
    public async Task NicknamesMayHaveLettersDigitsSpacesAndEmoji(string nickname, string stored)
    {
        var call = await JoinNewCircleAsync(nickname);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal(stored, call.Data.GetProperty("me").GetProperty("nickname").GetString());
    }

    [Theory]
    [InlineData("Bea!")]
    [InlineData("b.e.a")]
    [InlineData("<script>")]
    [InlineData("Bea_01")]
    [InlineData("@bea")]
    [InlineData("Bea\u200B")]
    [InlineData("Be\u200Da")]
    [InlineData("B\u202Eea")]
    [InlineData("Bea\u0000")]
    [InlineData("\u3164")]
    [InlineData("\u2800\u2800")]
    [InlineData("Bea\uFE0F")]
    [InlineData("a\u0301\u0301\u0301\u0301\u0301")]
    public async Task PunctuationControlCharactersAndInvisibleTricksAreRefused(string nickname)
    {
        var call = await JoinNewCircleAsync(nickname);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(ErrorCodes.ValidationInvalidFormat, call.ErrorCode);
        Assert.Equal("nickname", call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abcdefghijklmnopqrstuvwxyz12345")]
    public async Task ANicknameMustHaveOneToThirtyCharacters(string nickname)
    {
        var call = await JoinNewCircleAsync(nickname);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal("nickname", call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("fuck")]
    [InlineData("FUCKER")]
    [InlineData("Big Sh1t")]
    [InlineData("b1tch")]
    [InlineData("a55hole")]
    [InlineData("f u c k")]
    [InlineData("fuuuuuck")]
    [InlineData("𝐟𝐮𝐜𝐤")]
    [InlineData("ｓｌｕｔ")]
    [InlineData("n1gg3r")]
    [InlineData("Weed Lord")]
    [InlineData("Sexy Sam")]
    [InlineData("kys")]
    [InlineData("🖕")]
    public async Task ANicknameWithABlockedWordIsRefusedWithoutRepeatingIt(string nickname)
    {
        var call = await JoinNewCircleAsync(nickname);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(ErrorCodes.ValidationInvalidFormat, call.ErrorCode);
        Assert.Equal("nickname", call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
        Assert.Contains("friendly", call.ErrorMessage);
        Assert.DoesNotContain(nickname.Trim(), call.RawBody, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheOwnersNicknameFollowsTheSameRules()
    {
        var me = await stack.Client.NewUserAsync();

        var blocked = await stack.Client.PostAsync("/v1/circles", new { name = "Book club", nickname = "Dumbass" }, me.AccessToken);
        var punctuated = await stack.Client.PostAsync("/v1/circles", new { name = "Book club", nickname = "Ana!!" }, me.AccessToken);

        Assert.Equal("nickname", blocked.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
        Assert.Equal("nickname", punctuated.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
    }

    [Fact]
    public void TheNicknameRulesCountCharactersAsPostgresDoes()
    {
        var thirtyEmoji = string.Concat(Enumerable.Repeat("🌞", 30));

        Assert.Equal(thirtyEmoji, CircleRules.Nickname(thirtyEmoji));
        Assert.Throws<CirclyException>(() => CircleRules.Nickname(thirtyEmoji + "🌞"));
    }

    /// <summary>A new user joins a new circle under the given nickname.</summary>
    private async Task<ApiCall> JoinNewCircleAsync(string nickname)
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1);
        var me = await stack.Client.NewUserAsync();
        return await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname }, me.AccessToken);
    }
}
