using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Circles;

public sealed class MembershipTests(CirclyStack stack)
{
    [Fact]
    public async Task MembersSeeNicknamesRolesAndJoinDatesButNoUserIdsOrDeviceData()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 3);
        var me = circle.Others[1];

        var call = await stack.Client.GetAsync($"/v1/circles/{circle.Id}/members", me.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        var members = call.Data.EnumerateArray().ToList();
        Assert.Equal(["Member 1", "Member 2", "Member 3"], members.Select(m => m.GetProperty("nickname").GetString()));
        Assert.Equal(["owner", "member", "member"], members.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(circle.Members.Select(m => m.MemberId), members.Select(m => m.GetProperty("memberId").GetGuid()));
        Assert.Equal([false, false, true], members.Select(m => m.GetProperty("isMe").GetBoolean()));
        Assert.All(members, m => Assert.True(m.GetProperty("joinedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5)));
        Assert.All(members, m => Assert.Equal(["memberId", "nickname", "role", "joinedAt", "isMe"], m.EnumerateObject().Select(p => p.Name)));
        Assert.All(circle.Members, member => Assert.DoesNotContain(member.UserId.ToString(), call.RawBody, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("device", call.RawBody, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AMemberWhoLeftLosesAccessAtOnceAndGetsCircleNotMember()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 3);
        var leaver = circle.Others[0];

        var leave = await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, leaver.AccessToken);

        Assert.Equal(HttpStatusCode.OK, leave.Status);
        Assert.False(leave.Data.GetProperty("circleClosed").GetBoolean());
        foreach (var call in await EveryCircleEndpointAsync(circle, leaver))
        {
            Assert.Equal(HttpStatusCode.Forbidden, call.Status);
            Assert.Equal(ErrorCodes.CircleNotMember, call.ErrorCode);
        }
        Assert.Equal(0, (await stack.Client.GetAsync("/v1/circles", leaver.AccessToken)).Data.GetArrayLength());
        var members = await stack.Client.GetAsync($"/v1/circles/{circle.Id}/members", circle.Owner.AccessToken);
        Assert.Equal(["Member 1", "Member 3"], members.Data.EnumerateArray().Select(m => m.GetProperty("nickname").GetString()));
        var seen = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken);
        Assert.Equal(2, seen.Data.GetProperty("memberCount").GetInt32());
    }

    [Fact]
    public async Task ALeftMembershipIsKeptWithItsNicknameForPastPolls()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);
        var leaver = circle.Others[0];

        await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, leaver.AccessToken);

        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var row = await connection.QuerySingleAsync<(string Nickname, bool IsActive, bool HasLeftAt, bool Removed)>(
            "SELECT nickname, is_active, left_at IS NOT NULL, removed_at IS NOT NULL FROM circle_members WHERE id = @MemberId", new { leaver.MemberId });
        Assert.Equal(("Member 2", false, true, false), row);
    }

    [Fact]
    public async Task SomeoneWhoLeftMayJoinAgainWithTheCode()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);
        var leaver = circle.Others[0];
        await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, leaver.AccessToken);

        var back = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Member 2" }, leaver.AccessToken);

        Assert.Equal(HttpStatusCode.OK, back.Status);
        Assert.NotEqual(leaver.MemberId, back.Data.GetProperty("me").GetProperty("memberId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await stack.Client.GetAsync($"/v1/circles/{circle.Id}", leaver.AccessToken)).Status);
    }

    [Fact]
    public async Task AMemberTheOwnerRemovedLosesAccessAtOnceAndCannotRejoin()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 3);
        var removed = circle.Others[0];

        var remove = await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}/members/{removed.MemberId}", circle.Owner.AccessToken);

        Assert.Equal(HttpStatusCode.OK, remove.Status);
        foreach (var call in await EveryCircleEndpointAsync(circle, removed))
        {
            Assert.Equal(HttpStatusCode.Forbidden, call.Status);
            Assert.Equal(ErrorCodes.CircleNotMember, call.ErrorCode);
        }
        var oldCode = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Back again" }, removed.AccessToken);
        Assert.Equal(ErrorCodes.CircleInvalidCode, oldCode.ErrorCode);
        var newCode = (await stack.Client.GetAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken)).Data.GetProperty("inviteCode").GetString();
        var rejoin = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = newCode, nickname = "Back again" }, removed.AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, rejoin.Status);
        Assert.Equal(ErrorCodes.CircleNotMember, rejoin.ErrorCode);
        var seen = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken);
        Assert.Equal(2, seen.Data.GetProperty("memberCount").GetInt32());
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var row = await connection.QuerySingleAsync<(string Nickname, bool IsActive, bool Removed)>(
            "SELECT nickname, is_active, removed_at IS NOT NULL FROM circle_members WHERE id = @MemberId", new { removed.MemberId });
        Assert.Equal(("Member 2", false, true), row);
    }

    [Fact]
    public async Task TheOwnerCannotRemoveThemselvesOrSomeoneWhoIsNotAnActiveMember()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);
        var elsewhere = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);

        var self = await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}/members/{circle.Owner.MemberId}", circle.Owner.AccessToken);
        var stranger = await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}/members/{elsewhere.Others[0].MemberId}", circle.Owner.AccessToken);
        var random = await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}/members/{Guid.NewGuid()}", circle.Owner.AccessToken);
        var malformed = await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}/members/not-an-id", circle.Owner.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, self.Status);
        Assert.Equal("memberId", self.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
        Assert.All([stranger, random, malformed], call =>
        {
            Assert.Equal(HttpStatusCode.NotFound, call.Status);
            Assert.Equal(ErrorCodes.NotFound, call.ErrorCode);
        });
        Assert.Equal(2, (await stack.Client.GetAsync($"/v1/circles/{elsewhere.Id}", elsewhere.Owner.AccessToken)).Data.GetProperty("memberCount").GetInt32());
    }

    [Fact]
    public async Task WhenTheOwnerLeavesTheLongestStandingMemberBecomesOwner()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 4);
        var (second, third) = (circle.Others[0], circle.Others[1]);
        await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, second.AccessToken);
        await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Member 2" }, second.AccessToken);

        var leave = await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, circle.Owner.AccessToken);

        Assert.Equal(HttpStatusCode.OK, leave.Status);
        var members = (await stack.Client.GetAsync($"/v1/circles/{circle.Id}/members", third.AccessToken)).Data.EnumerateArray().ToList();
        Assert.Equal(["Member 3", "Member 4", "Member 2"], members.Select(m => m.GetProperty("nickname").GetString()));
        Assert.Equal(["owner", "member", "member"], members.Select(m => m.GetProperty("role").GetString()));
        var renamed = await stack.Client.PutAsync($"/v1/circles/{circle.Id}", new { name = "New era" }, third.AccessToken);
        Assert.Equal(HttpStatusCode.OK, renamed.Status);
        var formerOwner = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken);
        Assert.Equal(ErrorCodes.CircleNotMember, formerOwner.ErrorCode);
    }

    [Fact]
    public async Task WhenTheLastMemberLeavesTheCircleCloses()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);
        await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, circle.Owner.AccessToken);

        var last = await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, circle.Others[0].AccessToken);

        Assert.Equal(HttpStatusCode.OK, last.Status);
        Assert.True(last.Data.GetProperty("circleClosed").GetBoolean());
        var get = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", circle.Others[0].AccessToken);
        Assert.Equal(ErrorCodes.CircleNotFound, get.ErrorCode);
        var join = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Newbie" }, (await stack.Client.NewUserAsync()).AccessToken);
        Assert.Equal(ErrorCodes.CircleInvalidCode, join.ErrorCode);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var (isActive, count) = await connection.QuerySingleAsync<(bool, int)>("SELECT is_active, member_count FROM circles WHERE id = @Id", new { circle.Id });
        Assert.False(isActive);
        Assert.Equal(0, count);
    }

    [Fact]
    public async Task LeavingTwiceIsCircleNotMember()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);
        await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, circle.Others[0].AccessToken);

        var again = await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, circle.Others[0].AccessToken);

        Assert.Equal(ErrorCodes.CircleNotMember, again.ErrorCode);
        Assert.Equal(1, (await stack.Client.GetAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken)).Data.GetProperty("memberCount").GetInt32());
    }

    /// <summary>Every endpoint about one circle, called by this member.</summary>
    private async Task<ApiCall[]> EveryCircleEndpointAsync(TestCircle circle, TestMember caller)
    {
        var token = caller.AccessToken;
        var other = circle.Members.First(m => m != caller).MemberId;
        return
        [
            await stack.Client.GetAsync($"/v1/circles/{circle.Id}", token),
            await stack.Client.PutAsync($"/v1/circles/{circle.Id}", new { name = "Taken over" }, token),
            await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}", token),
            await stack.Client.GetAsync($"/v1/circles/{circle.Id}/members", token),
            await stack.Client.PostAsync($"/v1/circles/{circle.Id}/regenerate-invite", null, token),
            await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, token),
            await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}/members/{other}", token),
        ];
    }
}
