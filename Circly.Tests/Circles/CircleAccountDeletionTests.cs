using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Circles;

public sealed class CircleAccountDeletionTests(CirclyStack stack)
{
    [Fact]
    public async Task DeletingMyAccountLeavesEveryCircleHandsOverMineAndClosesTheOnesOnlyIWasIn()
    {
        var me = await stack.Client.NewUserAsync();
        var owned = await stack.Client.NewCircleAsync(me, memberCount: 3, name: "Owned");
        var alone = await stack.Client.NewCircleAsync(me, memberCount: 1, name: "Alone");
        var joined = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2, name: "Joined");
        var myMemberIdThere = (await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = joined.InviteCode, nickname = "Leaving soon" }, me.AccessToken))
            .Data.GetProperty("me").GetProperty("memberId").GetGuid();

        var delete = await stack.Client.DeleteAsync("/v1/users/me", me.AccessToken);

        Assert.Equal(HttpStatusCode.OK, delete.Status);
        var heir = owned.Others[0];
        var ownedNow = await stack.Client.GetAsync($"/v1/circles/{owned.Id}", heir.AccessToken);
        Assert.Equal(2, ownedNow.Data.GetProperty("memberCount").GetInt32());
        Assert.Equal("owner", ownedNow.Data.GetProperty("me").GetProperty("role").GetString());
        var joinedNow = await stack.Client.GetAsync($"/v1/circles/{joined.Id}", joined.Owner.AccessToken);
        Assert.Equal(2, joinedNow.Data.GetProperty("memberCount").GetInt32());
        var members = await stack.Client.GetAsync($"/v1/circles/{joined.Id}/members", joined.Owner.AccessToken);
        Assert.DoesNotContain("Leaving soon", members.RawBody);

        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        Assert.False(await connection.ExecuteScalarAsync<bool>("SELECT is_active FROM circles WHERE id = @Id", new { alone.Id }));
        // The rows stay, without the user, so the nickname remains on past polls.
        var rows = (await connection.QueryAsync<(string Nickname, bool IsActive, bool HasUser, bool HasLeftAt)>(
            "SELECT nickname, is_active, user_id IS NOT NULL, left_at IS NOT NULL FROM circle_members WHERE id = ANY(@Ids)",
            new { Ids = new[] { owned.Owner.MemberId, alone.Owner.MemberId, myMemberIdThere } })).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, row => Assert.Equal((false, false, true), (row.IsActive, row.HasUser, row.HasLeftAt)));
        Assert.Contains(rows, row => row.Nickname == "Leaving soon");
    }

    [Fact]
    public async Task AnAccountWhoseCircleWasDeletedCanStillBeDeleted()
    {
        var me = await stack.Client.NewUserAsync();
        var circle = await stack.Client.NewCircleAsync(me, memberCount: 2);
        await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}", me.AccessToken);

        var deleteOwner = await stack.Client.DeleteAsync("/v1/users/me", me.AccessToken);
        var deleteMember = await stack.Client.DeleteAsync("/v1/users/me", circle.Others[0].AccessToken);

        Assert.Equal(HttpStatusCode.OK, deleteOwner.Status);
        Assert.Equal(HttpStatusCode.OK, deleteMember.Status);
        Assert.Equal(ErrorCodes.AuthInvalidToken, (await stack.Client.GetAsync("/v1/circles", me.AccessToken)).ErrorCode);
    }
}
