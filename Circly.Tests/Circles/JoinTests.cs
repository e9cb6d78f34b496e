using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Circly.Tests.Circles;

public sealed class JoinTests(CirclyStack stack)
{
    [Fact]
    public async Task JoiningWithTheInviteCodeMakesMeAMemberUnderMyNickname()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1);
        var me = await stack.Client.NewUserAsync();

        var call = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Bea" }, me.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal(circle.Id, call.Data.GetProperty("id").GetGuid());
        Assert.Equal(2, call.Data.GetProperty("memberCount").GetInt32());
        Assert.Equal("member", call.Data.GetProperty("me").GetProperty("role").GetString());
        Assert.Equal("Bea", call.Data.GetProperty("me").GetProperty("nickname").GetString());
    }

    [Theory]
    [InlineData("lower")]
    [InlineData("dashes")]
    [InlineData("spaces")]
    public async Task TheCodeMayBeTypedInAnyCaseWithSpacesOrDashes(string typing)
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1);
        var me = await stack.Client.NewUserAsync();
        var code = circle.InviteCode;
        var typed = typing switch
        {
            "lower" => code.ToLowerInvariant(),
            "dashes" => $"{code[..4]}-{code[4..]}",
            _ => $" {code[..2]} {code[2..4].ToLowerInvariant()} {code[4..]} ",
        };

        var call = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = typed, nickname = "Bea" }, me.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal(circle.Id, call.Data.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task JoiningWithTheInviteLinkIdWorksToo()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1);
        var me = await stack.Client.NewUserAsync();

        var call = await stack.Client.PostAsync("/v1/circles/join", new { inviteLinkId = circle.InviteLinkId, nickname = "Bea" }, me.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal(circle.Id, call.Data.GetProperty("id").GetGuid());
    }

    [Theory]
    [InlineData("inviteCode", "ACDEFGHJ")]
    [InlineData("inviteCode", "0O1IL2Z5")]
    [InlineData("inviteCode", "SHORT")]
    [InlineData("inviteCode", "ACDEFGHJKM")]
    [InlineData("inviteLinkId", "AAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("inviteLinkId", "not/a/link?id=1&x=2#yes")]
    public async Task AnUnknownOrMalformedInviteIsCircleInvalidCode(string field, string value)
    {
        var me = await stack.Client.NewUserAsync();

        var call = await stack.Client.PostAsync("/v1/circles/join", new Dictionary<string, string> { [field] = value, ["nickname"] = "Bea" }, me.AccessToken);

        Assert.Equal(HttpStatusCode.NotFound, call.Status);
        Assert.Equal(ErrorCodes.CircleInvalidCode, call.ErrorCode);
    }

    [Fact]
    public async Task SendingBothTheCodeAndTheLinkIdOrNeitherIsA400()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1);
        var me = await stack.Client.NewUserAsync();

        var both = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, inviteLinkId = circle.InviteLinkId, nickname = "Bea" }, me.AccessToken);
        var neither = await stack.Client.PostAsync("/v1/circles/join", new { nickname = "Bea" }, me.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, both.Status);
        Assert.Equal(ErrorCodes.ValidationInvalidFormat, both.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, neither.Status);
        Assert.Equal(ErrorCodes.ValidationRequired, neither.ErrorCode);
    }

    [Fact]
    public async Task JoiningACircleIAmAlreadyInIsCircleAlreadyMember()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2);

        var again = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Someone new" }, circle.Others[0].AccessToken);
        var owner = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Owner again" }, circle.Owner.AccessToken);

        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal(ErrorCodes.CircleAlreadyMember, again.ErrorCode);
        Assert.Equal(ErrorCodes.CircleAlreadyMember, owner.ErrorCode);
    }

    [Fact]
    public async Task AFullCircleRefusesTheNextJoinerWithCircleFull()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2, maxMembers: 2);
        var third = await stack.Client.NewUserAsync();

        var call = await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Third" }, third.AccessToken);

        Assert.Equal(HttpStatusCode.Conflict, call.Status);
        Assert.Equal(ErrorCodes.CircleFull, call.ErrorCode);
        var seen = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken);
        Assert.Equal(2, seen.Data.GetProperty("memberCount").GetInt32());
    }

    [Fact]
    public async Task WhenSixtyPeopleJoinAFiftyMemberCircleAtOnceExactlyFortyNineGetInSoItHasExactlyFiftyMembersAndCountsFifty()
    {
        var owner = await stack.Client.NewUserAsync();
        var circle = await stack.Client.NewCircleAsync(owner, memberCount: 1, maxMembers: 50);
        var joiners = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => stack.Client.NewUserAsync()));
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var attempts = joiners.Select(async (joiner, i) =>
        {
            await go.Task;
            return await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = $"Joiner {i}" }, joiner.AccessToken);
        }).ToList();
        go.SetResult();
        var calls = await Task.WhenAll(attempts);

        Assert.Equal(49, calls.Count(c => c.Status == HttpStatusCode.OK));
        Assert.Equal(11, calls.Count(c => c.Status == HttpStatusCode.Conflict && c.ErrorCode == ErrorCodes.CircleFull));
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var (count, active) = await connection.QuerySingleAsync<(int, long)>(
            "SELECT member_count, (SELECT count(*) FROM circle_members WHERE circle_id = c.id AND is_active) FROM circles c WHERE id = @Id", new { circle.Id });
        Assert.Equal(50, count);
        Assert.Equal(50, active);
        var members = await stack.Client.GetAsync($"/v1/circles/{circle.Id}/members", owner.AccessToken);
        Assert.Equal(50, members.Data.GetArrayLength());
    }

    [Fact]
    public async Task AJoinAfterTheInviteExpiredIsCircleExpiredWhileMembersKeepTheCircle()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = await TestApp.StartAsync(stack.Settings(), configureServices: services => services.AddSingleton<TimeProvider>(clock));
        var owner = await app.Client.NewUserAsync();
        var created = await app.Client.PostAsync("/v1/circles", new { name = "Weekend trip", nickname = "Ana", expiresAt = clock.GetUtcNow().AddHours(1) }, owner.AccessToken);
        var code = created.Data.GetProperty("inviteCode").GetString();
        var circleId = created.Data.GetProperty("id").GetGuid();
        var early = await app.Client.NewUserAsync();
        var inTime = await app.Client.PostAsync("/v1/circles/join", new { inviteCode = code, nickname = "Early" }, early.AccessToken);

        clock.Advance(TimeSpan.FromHours(2));
        var late = await app.Client.NewUserAsync();
        var tooLate = await app.Client.PostAsync("/v1/circles/join", new { inviteCode = code, nickname = "Late" }, late.AccessToken);
        var earlyAgain = await app.Client.NewUserAsync(early.Device);
        var stillThere = await app.Client.GetAsync($"/v1/circles/{circleId}", earlyAgain.AccessToken);

        Assert.Equal(HttpStatusCode.OK, inTime.Status);
        Assert.Equal(HttpStatusCode.Gone, tooLate.Status);
        Assert.Equal(ErrorCodes.CircleExpired, tooLate.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, stillThere.Status);
    }
}
