using Circly.Core.Circles;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Circles;

/// <summary>What other modules (polls, notifications) get from CircleService.</summary>
public sealed class CircleServiceContractTests(CirclyStack stack)
{
    private CircleService Circles => stack.Api.Get<CircleService>();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FindMembershipAnswersOnlyForActiveMembersOfActiveCircles()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 3);
        var (stays, leaves) = (circle.Others[0], circle.Others[1]);
        var outsider = await stack.Client.NewUserAsync();
        await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, leaves.AccessToken);

        var owner = await Circles.FindMembershipAsync(circle.Id, circle.Owner.UserId, Cancellation);
        var member = await Circles.FindMembershipAsync(circle.Id, stays.UserId, Cancellation);

        Assert.Equal(new CircleMembership(circle.Id, circle.Owner.MemberId, "Member 1", "owner"), owner);
        Assert.Equal(new CircleMembership(circle.Id, stays.MemberId, "Member 2", "member"), member);
        Assert.Null(await Circles.FindMembershipAsync(circle.Id, leaves.UserId, Cancellation));
        Assert.Null(await Circles.FindMembershipAsync(circle.Id, outsider.UserId, Cancellation));
        Assert.Null(await Circles.FindMembershipAsync(Guid.NewGuid(), stays.UserId, Cancellation));
        await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken);
        Assert.Null(await Circles.FindMembershipAsync(circle.Id, stays.UserId, Cancellation));
    }

    [Fact]
    public async Task HasLeftIsTrueOnlyForFormerMembersOfAStillActiveCircle()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 4);
        var (leaves, removed, rejoins) = (circle.Others[0], circle.Others[1], circle.Others[2]);
        await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, leaves.AccessToken);
        await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}/members/{removed.MemberId}", circle.Owner.AccessToken);
        await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, rejoins.AccessToken);
        // The removal replaced the invite code: the one the owner sees now.
        var inviteCode = (await stack.Client.GetAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken)).Data.GetProperty("inviteCode").GetString();
        await stack.Client.PostAsync("/v1/circles/join", new { inviteCode, nickname = "Back" }, rejoins.AccessToken);

        Assert.True(await Circles.HasLeftAsync(circle.Id, leaves.UserId, Cancellation));
        Assert.True(await Circles.HasLeftAsync(circle.Id, removed.UserId, Cancellation));
        Assert.False(await Circles.HasLeftAsync(circle.Id, rejoins.UserId, Cancellation));
        Assert.False(await Circles.HasLeftAsync(circle.Id, circle.Owner.UserId, Cancellation));
        Assert.False(await Circles.HasLeftAsync(circle.Id, (await stack.Client.NewUserAsync()).UserId, Cancellation));
        await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken);
        Assert.False(await Circles.HasLeftAsync(circle.Id, leaves.UserId, Cancellation));
    }

    [Fact]
    public async Task ActiveMembersComeInJoiningOrderWithTheirUserIds()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 4);
        await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, circle.Others[1].AccessToken);

        var members = await Circles.GetActiveMembersAsync(circle.Id, Cancellation);

        var expected = circle.Members.Where(m => m != circle.Others[1]).Select(m => new CircleMemberRef(m.MemberId, m.UserId, m.Nickname));
        Assert.Equal(expected, members);
        await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken);
        Assert.Empty(await Circles.GetActiveMembersAsync(circle.Id, Cancellation));
    }

    [Fact]
    public async Task CircleIdsOfAUserAreTheActiveCirclesTheyAreActiveIn()
    {
        var me = await stack.Client.NewUserAsync();
        var owned = await stack.Client.NewCircleAsync(me, memberCount: 1);
        var deleted = await stack.Client.NewCircleAsync(me, memberCount: 1);
        var left = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1);
        await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = left.InviteCode, nickname = "Me" }, me.AccessToken);
        await stack.Client.PostAsync($"/v1/circles/{left.Id}/leave", null, me.AccessToken);
        await stack.Client.DeleteAsync($"/v1/circles/{deleted.Id}", me.AccessToken);

        var ids = await Circles.GetCircleIdsOfUserAsync(me.UserId, Cancellation);

        Assert.Equal([owned.Id], ids);
    }

    [Fact]
    public async Task ThePollCounterGoesUpInTheCallersTransactionOnly()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        await connection.OpenAsync(Cancellation);

        await using (var rolledBack = await connection.BeginTransactionAsync(Cancellation))
        {
            await Circles.RecordPollCreatedAsync(circle.Owner.MemberId, connection, rolledBack, Cancellation);
            await rolledBack.RollbackAsync(Cancellation);
        }
        await using (var committed = await connection.BeginTransactionAsync(Cancellation))
        {
            await Circles.RecordPollCreatedAsync(circle.Owner.MemberId, connection, committed, Cancellation);
            await committed.CommitAsync(Cancellation);
        }

        var counters = (await connection.QueryAsync<(Guid Id, int PollsCreated)>(
            "SELECT id, polls_created FROM circle_members WHERE circle_id = @Id", new { circle.Id })).ToDictionary(r => r.Id);
        Assert.Equal(1, counters[circle.Owner.MemberId].PollsCreated);
        Assert.Equal(0, counters[circle.Others[0].MemberId].PollsCreated);
    }
}
