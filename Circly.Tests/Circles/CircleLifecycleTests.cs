using System.Net;
using System.Text.Json;
using Circly.Core.Circles;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Circles;

public sealed class CircleLifecycleTests(CirclyStack stack)
{
    [Fact]
    public async Task CreatingACircleMakesMeItsOwnerAndOnlyMemberWithAnInvite()
    {
        var me = await stack.Client.NewUserAsync();

        var call = await stack.Client.PostAsync("/v1/circles", new { name = "  Robotics   club ", nickname = " Ana " }, me.AccessToken);

        Assert.Equal(HttpStatusCode.Created, call.Status);
        var circle = call.Data;
        Assert.Equal("Robotics club", circle.GetProperty("name").GetString());
        Assert.Equal(1, circle.GetProperty("memberCount").GetInt32());
        Assert.Equal(CircleRules.DefaultMaxMembers, circle.GetProperty("maxMembers").GetInt32());
        Assert.Equal(JsonValueKind.Null, circle.GetProperty("expiresAt").ValueKind);
        Assert.Equal("owner", circle.GetProperty("me").GetProperty("role").GetString());
        Assert.Equal("Ana", circle.GetProperty("me").GetProperty("nickname").GetString());
        var code = circle.GetProperty("inviteCode").GetString()!;
        Assert.Matches("^[ACDEFGHJKMNPQRTUVWXY34679]{8}$", code);
        Assert.Matches("^[A-Za-z0-9_-]{24}$", circle.GetProperty("inviteLinkId").GetString()!);
        Assert.Equal($"circly://join/{code}", circle.GetProperty("inviteUrl").GetString());
        Assert.Equal($"https://circly.test/join/{code}", circle.GetProperty("inviteWebUrl").GetString());
    }

    [Fact]
    public async Task ACircleCanHaveALimitAndAnExpiryInTheFuture()
    {
        var me = await stack.Client.NewUserAsync();
        var expiresAt = DateTimeOffset.UtcNow.AddDays(7);

        var call = await stack.Client.PostAsync("/v1/circles", new { name = "Trip", nickname = "Ana", maxMembers = 12, expiresAt }, me.AccessToken);

        Assert.Equal(HttpStatusCode.Created, call.Status);
        Assert.Equal(12, call.Data.GetProperty("maxMembers").GetInt32());
        Assert.InRange((call.Data.GetProperty("expiresAt").GetDateTimeOffset() - expiresAt).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
    }

    [Theory]
    [InlineData("{\"name\": \"Club\", \"nickname\": \"Ana\", \"maxMembers\": 201}", "maxMembers", ErrorCodes.ValidationOutOfRange)]
    [InlineData("{\"name\": \"Club\", \"nickname\": \"Ana\", \"maxMembers\": 1}", "maxMembers", ErrorCodes.ValidationOutOfRange)]
    [InlineData("{\"name\": \"Club\", \"nickname\": \"Ana\", \"expiresAt\": \"2020-01-01T00:00:00Z\"}", "expiresAt", ErrorCodes.ValidationOutOfRange)]
    [InlineData("{\"nickname\": \"Ana\"}", "name", ErrorCodes.ValidationRequired)]
    [InlineData("{\"name\": \"   \", \"nickname\": \"Ana\"}", "name", ErrorCodes.ValidationRequired)]
    [InlineData("{\"name\": \"Club\"}", "nickname", ErrorCodes.ValidationRequired)]
    [InlineData("{\"name\": \"This name is much longer than the fifty characters a circle may have\", \"nickname\": \"Ana\"}", "name", ErrorCodes.ValidationOutOfRange)]
    [InlineData("{\"name\": \"Bad\\u0007bell\", \"nickname\": \"Ana\"}", "name", ErrorCodes.ValidationInvalidFormat)]
    [InlineData("{\"name\": \"Zero\\u200Bwidth\", \"nickname\": \"Ana\"}", "name", ErrorCodes.ValidationInvalidFormat)]
    public async Task AnInvalidCircleIsRefusedNamingTheField(string body, string field, string code)
    {
        var me = await stack.Client.NewUserAsync();

        var call = await stack.Client.SendRawAsync(HttpMethod.Post, "/v1/circles", body, me.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(code, call.ErrorCode);
        Assert.Equal(field, call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
    }

    [Fact]
    public async Task ACircleNameWithABlockedWordIsRefusedKindly()
    {
        var me = await stack.Client.NewUserAsync();

        var call = await stack.Client.PostAsync("/v1/circles", new { name = "Sh1t Happens", nickname = "Ana" }, me.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(ErrorCodes.ValidationInvalidFormat, call.ErrorCode);
        Assert.DoesNotContain("sh1t", call.ErrorMessage, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("shit", call.ErrorMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ACircleNameMayHavePunctuationAndEmoji()
    {
        var me = await stack.Client.NewUserAsync();

        var call = await stack.Client.PostAsync("/v1/circles", new { name = "Class 7B's crew! 🎉", nickname = "Ana" }, me.AccessToken);

        Assert.Equal(HttpStatusCode.Created, call.Status);
        Assert.Equal("Class 7B's crew! 🎉", call.Data.GetProperty("name").GetString());
    }

    [Fact]
    public async Task MyCirclesListsTheActiveCirclesIAmInWithPagination()
    {
        var me = await stack.Client.NewUserAsync();
        var other = await stack.Client.NewUserAsync();
        var mine = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            mine.Add((await stack.Client.PostAsync("/v1/circles", new { name = $"Mine {i}", nickname = "Ana" }, me.AccessToken)).Data.GetProperty("id").GetGuid());
        }
        var joined = await stack.Client.NewCircleAsync(other, memberCount: 1);
        await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = joined.InviteCode, nickname = "Ana" }, me.AccessToken);
        var deleted = mine[0];
        await stack.Client.DeleteAsync($"/v1/circles/{deleted}", me.AccessToken);

        var all = await stack.Client.GetAsync("/v1/circles", me.AccessToken);
        var firstPage = await stack.Client.GetAsync("/v1/circles?limit=2", me.AccessToken);
        var secondPage = await stack.Client.GetAsync("/v1/circles?limit=2&offset=2", me.AccessToken);

        Assert.Equal(HttpStatusCode.OK, all.Status);
        var ids = all.Data.EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([joined.Id, mine[2], mine[1]], ids);
        Assert.Equal(3, all.Meta.GetProperty("pagination").GetProperty("total").GetInt32());
        Assert.Equal(2, firstPage.Data.GetArrayLength());
        Assert.True(firstPage.Meta.GetProperty("pagination").GetProperty("hasMore").GetBoolean());
        Assert.Equal(1, secondPage.Data.GetArrayLength());
        Assert.False(secondPage.Meta.GetProperty("pagination").GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task AnOffsetPastEveryListSaysThereIsNoMore()
    {
        var me = await stack.Client.NewUserAsync();
        await stack.Client.PostAsync("/v1/circles", new { name = "Only one", nickname = "Ana" }, me.AccessToken);

        var call = await stack.Client.GetAsync($"/v1/circles?limit=100&offset={int.MaxValue}", me.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal(0, call.Data.GetArrayLength());
        Assert.False(call.Meta.GetProperty("pagination").GetProperty("hasMore").GetBoolean());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("limit=ten", "limit")]
    public async Task BadPagingIsA400NamingTheParameter(string query, string field)
    {
        var me = await stack.Client.NewUserAsync();

        var call = await stack.Client.GetAsync($"/v1/circles?{query}", me.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(field, call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
    }

    [Fact]
    public async Task AMemberSeesTheCircleWithTheInviteAndTheirOwnMembership()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 3);
        var member = circle.Others[0];

        var call = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", member.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal(3, call.Data.GetProperty("memberCount").GetInt32());
        Assert.Equal(circle.InviteCode, call.Data.GetProperty("inviteCode").GetString());
        Assert.Equal(circle.InviteLinkId, call.Data.GetProperty("inviteLinkId").GetString());
        Assert.Equal("member", call.Data.GetProperty("me").GetProperty("role").GetString());
        Assert.Equal(member.MemberId, call.Data.GetProperty("me").GetProperty("memberId").GetGuid());
    }

    [Fact]
    public async Task TheOwnerRenamesTheCircleAndChangesItsLimit()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);

        var call = await stack.Client.PutAsync($"/v1/circles/{circle.Id}", new { name = "Chess club", maxMembers = 40 }, circle.Owner.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal("Chess club", call.Data.GetProperty("name").GetString());
        Assert.Equal(40, call.Data.GetProperty("maxMembers").GetInt32());
        var seenByMember = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", circle.Others[0].AccessToken);
        Assert.Equal("Chess club", seenByMember.Data.GetProperty("name").GetString());
    }

    [Fact]
    public async Task TheLimitCannotGoBelowTheMembersTheCircleHas()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 4);

        var below = await stack.Client.PutAsync($"/v1/circles/{circle.Id}", new { maxMembers = 3 }, circle.Owner.AccessToken);
        var exactly = await stack.Client.PutAsync($"/v1/circles/{circle.Id}", new { maxMembers = 4 }, circle.Owner.AccessToken);
        var tooLarge = await stack.Client.PutAsync($"/v1/circles/{circle.Id}", new { maxMembers = 201 }, circle.Owner.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, below.Status);
        Assert.Equal(ErrorCodes.ValidationOutOfRange, below.ErrorCode);
        Assert.Contains("4 members", below.ErrorMessage);
        Assert.Equal(HttpStatusCode.OK, exactly.Status);
        Assert.Equal(ErrorCodes.ValidationOutOfRange, tooLarge.ErrorCode);
    }

    [Fact]
    public async Task AnUpdateWithNothingToChangeIsRefused()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1);

        var call = await stack.Client.PutAsync($"/v1/circles/{circle.Id}", new { }, circle.Owner.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(ErrorCodes.ValidationRequired, call.ErrorCode);
    }

    [Fact]
    public async Task OnlyTheOwnerMayChangeDeleteOrRegenerateTheInvite()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);
        var member = circle.Others[0];

        var update = await stack.Client.PutAsync($"/v1/circles/{circle.Id}", new { name = "Mine now" }, member.AccessToken);
        var delete = await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}", member.AccessToken);
        var regenerate = await stack.Client.PostAsync($"/v1/circles/{circle.Id}/regenerate-invite", null, member.AccessToken);
        var remove = await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}/members/{circle.Owner.MemberId}", member.AccessToken);

        Assert.All([update, delete, regenerate, remove], call =>
        {
            Assert.Equal(HttpStatusCode.Forbidden, call.Status);
            Assert.Equal(ErrorCodes.CircleNotCreator, call.ErrorCode);
        });
        var after = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken);
        Assert.Equal("Test circle", after.Data.GetProperty("name").GetString());
        Assert.Equal(circle.InviteCode, after.Data.GetProperty("inviteCode").GetString());
    }

    [Fact]
    public async Task ADeletedCircleIsGoneForEveryoneAndItsInviteStopsWorking()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);
        var newcomer = await stack.Client.NewUserAsync();

        var delete = await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken);

        Assert.Equal(HttpStatusCode.OK, delete.Status);
        foreach (var member in circle.Members)
        {
            var get = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", member.AccessToken);
            var members = await stack.Client.GetAsync($"/v1/circles/{circle.Id}/members", member.AccessToken);
            Assert.Equal(ErrorCodes.CircleNotFound, get.ErrorCode);
            Assert.Equal(ErrorCodes.CircleNotFound, members.ErrorCode);
            Assert.Equal(0, (await stack.Client.GetAsync("/v1/circles", member.AccessToken)).Data.GetArrayLength());
        }
        var join = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Late" }, newcomer.AccessToken);
        Assert.Equal(ErrorCodes.CircleInvalidCode, join.ErrorCode);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        Assert.False(await connection.ExecuteScalarAsync<bool>("SELECT is_active FROM circles WHERE id = @Id", new { circle.Id }));
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM circle_members WHERE circle_id = @Id", new { circle.Id }));
    }

    [Fact]
    public async Task CircleEndpointsNeedASignedInUser()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1);

        var list = await stack.Client.GetAsync("/v1/circles");
        var get = await stack.Client.GetAsync($"/v1/circles/{circle.Id}");
        var join = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Ana" });

        Assert.All([list, get, join], call => Assert.Equal(HttpStatusCode.Unauthorized, call.Status));
    }
}
