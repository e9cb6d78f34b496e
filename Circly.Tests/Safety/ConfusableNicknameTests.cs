using System.Net;
using Circly.Core.Circles;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Safety;

/// <summary>Nickname uniqueness within a circle compares confusable skeletons (UTS #39), not just case.</summary>
public sealed class ConfusableNicknameTests(CirclyStack stack)
{
    [Theory]
    [InlineData("Anna", "\u0410nna")]          // Cyrillic А
    [InlineData("Sophia", "S\u03bfphia")]      // Greek ο
    [InlineData("Paco", "\u0420\u0430\u0441\u043e")] // all Cyrillic
    [InlineData("Leo", "1eo")]                  // digit one for l
    [InlineData("Ian", "lan")]                  // capital I and small l
    [InlineData("Bob", "B0b")]                  // zero for o
    [InlineData("Emma", "Érnma")]               // accent, rn for m
    [InlineData("Max", "ＭＡＸ")]               // fullwidth
    public async Task ALookAlikeOfAnActiveMembersNicknameIsRefused(string original, string lookAlike)
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1);
        var first = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = original }, (await stack.Client.NewUserAsync()).AccessToken);
        Assert.Equal(HttpStatusCode.OK, first.Status);

        var imitation = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = lookAlike }, (await stack.Client.NewUserAsync()).AccessToken);

        Assert.Equal(HttpStatusCode.Conflict, imitation.Status);
        Assert.Equal(ErrorCodes.CircleNicknameTaken, imitation.ErrorCode);
    }

    [Theory]
    [InlineData("Anna", "Anne")]
    [InlineData("Max", "Mia")]
    [InlineData("Леша", "Лена")]
    public async Task DifferentNamesStillJoin(string original, string other)
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1);
        await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = original }, (await stack.Client.NewUserAsync()).AccessToken);

        var call = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = other }, (await stack.Client.NewUserAsync()).AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
    }

    [Fact]
    public async Task LookAlikesJoiningAtTheSameMomentGetOneSeatBetweenThem()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1);
        var variants = new[] { "Anna", "\u0410nna", "\u0410nn\u0430", "ANNA", "Ánna", "\u0391nna" };
        var users = await Task.WhenAll(variants.Select(_ => stack.Client.NewUserAsync()));

        var calls = await Task.WhenAll(variants.Select((nickname, i) =>
            stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname }, users[i].AccessToken)));

        Assert.Single(calls, call => call.Status == HttpStatusCode.OK);
        Assert.All(calls.Where(call => call.Status != HttpStatusCode.OK), call => Assert.Equal(ErrorCodes.CircleNicknameTaken, call.ErrorCode));
    }

    [Fact]
    public void TheSkeletonFoldsCaseAccentsAndCrossScriptLookAlikesButKeepsOtherLetters()
    {
        Assert.Equal("anna", Confusables.Skeleton("\u0410nn\u0430"));
        Assert.Equal("anna", Confusables.Skeleton("ÁNNA"));
        Assert.Equal("lan", Confusables.Skeleton("Ian"));
        Assert.Equal("moe", Confusables.Skeleton("rnoe"));
        Assert.Equal("さくら", Confusables.Skeleton("さくら"));
        Assert.NotEqual(Confusables.Skeleton("Лена"), Confusables.Skeleton("Леша"));
    }
}
