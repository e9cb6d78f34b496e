using System.Net;
using Circly.Core.Circles;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Circles;

public sealed class InviteTests(CirclyStack stack)
{
    [Fact]
    public async Task RegeneratingTheInviteStopsTheOldCodeAndLinkAtOnceAndTheNewOnesWork()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);
        var (first, second, third) = (await stack.Client.NewUserAsync(), await stack.Client.NewUserAsync(), await stack.Client.NewUserAsync());

        var regenerate = await stack.Client.PostAsync($"/v1/circles/{circle.Id}/regenerate-invite", null, circle.Owner.AccessToken);
        var oldCode = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "First" }, first.AccessToken);
        var oldLink = await stack.Client.PostAsync("/v1/circles/join", new { inviteLinkId = circle.InviteLinkId, nickname = "First" }, first.AccessToken);

        Assert.Equal(HttpStatusCode.OK, regenerate.Status);
        var newCode = regenerate.Data.GetProperty("inviteCode").GetString()!;
        var newLink = regenerate.Data.GetProperty("inviteLinkId").GetString()!;
        Assert.NotEqual(circle.InviteCode, newCode);
        Assert.NotEqual(circle.InviteLinkId, newLink);
        Assert.Equal($"circly://join/{newCode}", regenerate.Data.GetProperty("inviteUrl").GetString());
        Assert.Equal(HttpStatusCode.NotFound, oldCode.Status);
        Assert.Equal(ErrorCodes.CircleInvalidCode, oldCode.ErrorCode);
        Assert.Equal(ErrorCodes.CircleInvalidCode, oldLink.ErrorCode);
        var withNewCode = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = newCode, nickname = "Second" }, second.AccessToken);
        var withNewLink = await stack.Client.PostAsync("/v1/circles/join", new { inviteLinkId = newLink, nickname = "Third" }, third.AccessToken);
        Assert.Equal(HttpStatusCode.OK, withNewCode.Status);
        Assert.Equal(HttpStatusCode.OK, withNewLink.Status);
        var seenByMember = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", circle.Others[0].AccessToken);
        Assert.Equal(newCode, seenByMember.Data.GetProperty("inviteCode").GetString());
    }

    [Fact]
    public async Task InviteCodesAreEightUnambiguousCharactersAndDifferForEveryCircle()
    {
        var owner = await stack.Client.NewUserAsync();

        var codes = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            codes.Add((await stack.Client.PostAsync("/v1/circles", new { name = $"Circle {i}", nickname = "Ana" }, owner.AccessToken)).Data.GetProperty("inviteCode").GetString()!);
        }

        Assert.All(codes, code => Assert.Matches("^[ACDEFGHJKMNPQRTUVWXY34679]{8}$", code));
        Assert.Equal(codes.Count, codes.Distinct().Count());
    }

    [Fact]
    public void TheAlphabetHasNoLookAlikeCharacters()
    {
        foreach (var lookAlike in "0O1IL2Z5S8B")
        {
            Assert.DoesNotContain(lookAlike, InviteCodes.Alphabet);
        }
        Assert.Equal(InviteCodes.Alphabet.Length, InviteCodes.Alphabet.Distinct().Count());
    }

    [Fact]
    public void NewCodesUseTheWholeAlphabet()
    {
        var seen = string.Concat(Enumerable.Range(0, 500).Select(_ => InviteCodes.NewCode()));

        Assert.Equal(InviteCodes.Alphabet.Order(), seen.Distinct().Order());
    }

    [Theory]
    [InlineData("acde-fghj", "ACDEFGHJ")]
    [InlineData(" AC DE FG HJ ", "ACDEFGHJ")]
    [InlineData("acdefghj", "ACDEFGHJ")]
    [InlineData("ACDE–FGHJ", "ACDEFGHJ")]
    [InlineData("ACDEFGH", null)]
    [InlineData("ACDEFGHJK", null)]
    [InlineData("ACDEFGH0", null)]
    [InlineData("ACDE.FGHJ", null)]
    [InlineData("", null)]
    public void TypedCodesAreReadWithoutCaseSpacesOrDashes(string typed, string? expected) =>
        Assert.Equal(expected, InviteCodes.Normalize(typed));
}
