using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Safety;

/// <summary>Removal sticks: the code and link the removed member knows stop working, and their nickname stays taken.</summary>
public sealed class RemovalTests(CirclyStack stack)
{
    [Fact]
    public async Task ARemovedMemberCannotComeBackWithTheOldCodeOrLinkEvenOnANewAccount()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 3);
        var removed = circle.Others[0];

        await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}/members/{removed.MemberId}", circle.Owner.AccessToken);

        var freshInstall = await stack.Client.NewUserAsync();
        var byCode = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Someone new" }, freshInstall.AccessToken);
        var byLink = await stack.Client.PostAsync("/v1/circles/join", new { inviteLinkId = circle.InviteLinkId, nickname = "Someone new" }, freshInstall.AccessToken);
        var sameAccount = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Back" }, removed.AccessToken);
        Assert.All([byCode, byLink, sameAccount], call => Assert.Equal(ErrorCodes.CircleInvalidCode, call.ErrorCode));
        using var page = await stack.Client.Http.GetAsync($"/join/{circle.InviteCode}");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);

        var current = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken);
        var newCode = current.Data.GetProperty("inviteCode").GetString();
        Assert.NotEqual(circle.InviteCode, newCode);
        Assert.NotEqual(circle.InviteLinkId, current.Data.GetProperty("inviteLinkId").GetString());
        var sameNickname = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = newCode, nickname = removed.Nickname }, freshInstall.AccessToken);
        Assert.Equal(ErrorCodes.CircleNicknameTaken, sameNickname.ErrorCode);
        var friend = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = newCode, nickname = "A real friend" }, freshInstall.AccessToken);
        Assert.Equal(HttpStatusCode.OK, friend.Status);
    }

    [Fact]
    public async Task SomeoneWhoLeftOnTheirOwnKeepsTheCodeAndTheirNicknameFree()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 3);
        var leaver = circle.Others[0];

        await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, leaver.AccessToken);

        var back = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = leaver.Nickname }, leaver.AccessToken);
        Assert.Equal(HttpStatusCode.OK, back.Status);
    }
}
