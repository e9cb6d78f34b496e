using System.Net;
using System.Text.Json;
using Circly.Core.Circles;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Circly.Tests.Polls;

namespace Circly.Tests.Safety;

/// <summary>The reports queue, bans and content hiding through /v1/admin, each step in the audit log.</summary>
public sealed class AdminModerationTests(CirclyStack stack)
{
    [Fact]
    public async Task AReportResolvedWithABanBlocksThatDeviceEverywhere()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var (reporter, bully) = (circle.Others[0], circle.Others[1]);
        var otherCircle = await stack.Client.NewCircleAsync(bully.Session, memberCount: 2);
        var reportId = await ReportAsync(reporter, "member", bully.MemberId, "bullying");
        var moderator = stack.ModeratorToken("mia@circly.test");

        var inContext = await stack.Client.GetAsync($"/v1/admin/reports/{reportId}", moderator);
        Assert.Equal(HttpStatusCode.OK, inContext.Status);
        Assert.Equal(bully.Nickname, inContext.Data.GetProperty("member").GetProperty("nickname").GetString());
        Assert.Equal(bully.UserId, inContext.Data.GetProperty("member").GetProperty("userId").GetGuid());
        Assert.Equal(circle.Id, inContext.Data.GetProperty("circle").GetProperty("id").GetGuid());

        var act = await stack.Client.PostAsync($"/v1/admin/reports/{reportId}/actions", new { action = "ban_device", reason = "Repeated bullying, confirmed." }, moderator);

        Assert.Equal(HttpStatusCode.OK, act.Status);
        var me = await stack.Client.GetAsync("/v1/users/me", bully.AccessToken);
        var refresh = await stack.Client.PostAsync("/v1/auth/refresh", new { refreshToken = bully.Session.RefreshToken });
        var login = await stack.Client.PostAsync("/v1/auth/device-login", bully.Session.Device.LoginBody());
        var otherCircleCall = await stack.Client.GetAsync($"/v1/circles/{otherCircle.Id}", bully.AccessToken);
        Assert.All([me, refresh, login, otherCircleCall], call => Assert.Equal(ErrorCodes.AuthDeviceBanned, call.ErrorCode));

        var report = await stack.Client.GetAsync($"/v1/admin/reports?status=all&circleId={circle.Id}", moderator);
        var resolved = Assert.Single(report.Data.EnumerateArray());
        Assert.Equal("actioned", resolved.GetProperty("status").GetString());
        Assert.Equal("ban_device", resolved.GetProperty("resolution").GetString());
        var audit = await AuditAsync("report_ban_device", bully.MemberId.ToString());
        Assert.Equal("mia@circly.test", audit.GetProperty("actor").GetString()!.Split(' ')[0]);
        Assert.Equal("Repeated bullying, confirmed.", audit.GetProperty("reason").GetString());
        Assert.Equal("member", audit.GetProperty("targetType").GetString());
        Assert.Equal(1, (await stack.Client.GetAsync($"/v1/admin/bans?limit=100", moderator)).Data.EnumerateArray()
            .Count(b => b.GetProperty("userId").ValueKind == JsonValueKind.String && b.GetProperty("userId").GetGuid() == bully.UserId));
    }

    [Fact]
    public async Task TheReportViewNeverShowsVotes()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        foreach (var voter in circle.Others)
        {
            await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await stack.OptionForAsync(pollId, voter) }, voter.AccessToken);
        }
        var reportId = await ReportAsync(circle.Others[0], "poll", pollId, "other");

        var view = await stack.Client.GetAsync($"/v1/admin/reports/{reportId}", stack.ModeratorToken());

        Assert.Equal(HttpStatusCode.OK, view.Status);
        Assert.Equal(pollId, view.Data.GetProperty("poll").GetProperty("id").GetGuid());
        var asMembersSeeIt = await stack.Client.GetAsync($"/v1/polls/{pollId}", circle.Owner.AccessToken);
        Assert.Equal(asMembersSeeIt.Data.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("memberNickname").GetString()).Order(),
            view.Data.GetProperty("poll").GetProperty("optionNicknames").EnumerateArray().Select(n => n.GetString()).Order());
        Assert.DoesNotContain("vote", view.RawBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("participa", view.RawBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hash", view.RawBody, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DismissingAnAutoHiddenNicknameShowsItAgainAndClosesEveryReportOnIt()
    {
        var circle = await stack.Client.NewCircleAsync(size: 5);
        var target = circle.Others[3];
        var reportIds = new List<Guid>();
        foreach (var reporter in circle.Members.Take(3))
        {
            reportIds.Add(await ReportAsync(reporter, "nickname", target.MemberId, "inappropriate_name"));
        }
        Assert.Contains(Placeholders.Nickname(target.MemberId), await NicknamesAsync(circle));

        var act = await stack.Client.PostAsync($"/v1/admin/reports/{reportIds[0]}/actions", new { action = "dismiss", reason = "The name is fine." }, stack.ModeratorToken());

        Assert.Equal(3, act.Data.GetProperty("reportsResolved").GetInt32());
        Assert.Contains(target.Nickname, await NicknamesAsync(circle));
        var queue = await stack.Client.GetAsync($"/v1/admin/reports?circleId={circle.Id}", stack.ModeratorToken());
        Assert.Empty(queue.Data.EnumerateArray());
        await AuditAsync("report_dismiss", target.MemberId.ToString());
    }

    [Fact]
    public async Task RenamingGivesANeutralNicknameAndRemovingTakesTheMemberOutAndReplacesTheInvite()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var (renamed, removed) = (circle.Others[1], circle.Others[2]);
        var renameReport = await ReportAsync(circle.Others[0], "nickname", renamed.MemberId, "impersonation");
        var removeReport = await ReportAsync(circle.Others[0], "member", removed.MemberId, "bullying");

        var rename = await stack.Client.PostAsync($"/v1/admin/reports/{renameReport}/actions", new { action = "rename", reason = "Impersonates a teacher." }, stack.ModeratorToken());
        var remove = await stack.Client.PostAsync($"/v1/admin/reports/{removeReport}/actions", new { action = "remove_member", reason = "Bullying." }, stack.ModeratorToken());

        Assert.Equal(HttpStatusCode.OK, rename.Status);
        Assert.Equal(HttpStatusCode.OK, remove.Status);
        var nicknames = await NicknamesAsync(circle);
        Assert.DoesNotContain(renamed.Nickname, nicknames);
        Assert.Contains(nicknames, n => n!.StartsWith("Member ", StringComparison.Ordinal) && n.Length >= 11);
        Assert.DoesNotContain(removed.Nickname, nicknames);
        Assert.Equal(ErrorCodes.CircleNotMember, (await stack.Client.GetAsync($"/v1/circles/{circle.Id}", removed.AccessToken)).ErrorCode);
        var details = await stack.Client.GetAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken);
        Assert.NotEqual(circle.InviteCode, details.Data.GetProperty("inviteCode").GetString());
        await AuditAsync("report_rename", renamed.MemberId.ToString());
        await AuditAsync("report_remove_member", removed.MemberId.ToString());
    }

    [Fact]
    public async Task AnActionThatDoesNotFitTheTargetIsRefusedAndNothingIsRecorded()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        var reportId = await ReportAsync(circle.Others[0], "poll", pollId, "other");

        var rename = await stack.Client.PostAsync($"/v1/admin/reports/{reportId}/actions", new { action = "rename", reason = "x" }, stack.ModeratorToken());
        var unknown = await stack.Client.PostAsync($"/v1/admin/reports/{reportId}/actions", new { action = "delete", reason = "x" }, stack.ModeratorToken());
        var noReason = await stack.Client.PostAsync($"/v1/admin/reports/{reportId}/actions", new { action = "hide" }, stack.ModeratorToken());
        var noReport = await stack.Client.PostAsync($"/v1/admin/reports/{Guid.NewGuid()}/actions", new { action = "hide", reason = "x" }, stack.ModeratorToken());

        Assert.All([rename, unknown], call => Assert.Equal(ErrorCodes.ValidationInvalidFormat, call.ErrorCode));
        Assert.Equal(ErrorCodes.ValidationRequired, noReason.ErrorCode);
        Assert.Equal(ErrorCodes.ReportNotFound, noReport.ErrorCode);
        var log = await stack.Client.GetAsync($"/v1/admin/audit-log?targetId={pollId}", stack.AdminToken());
        Assert.Empty(log.Data.EnumerateArray());
    }

    [Fact]
    public async Task HidingAReportedPollOrACircleTakesItAwayFromEveryone()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        var reportId = await ReportAsync(circle.Others[0], "poll", pollId, "other");
        var other = await stack.Client.NewCircleAsync(size: 3);

        var hidePoll = await stack.Client.PostAsync($"/v1/admin/reports/{reportId}/actions", new { action = "hide", reason = "Unkind question use." }, stack.ModeratorToken());
        var hideCircle = await stack.Client.PostAsync($"/v1/admin/circles/{other.Id}/hide", new { reason = "Circle used for bullying." }, stack.ModeratorToken());
        var hideMissing = await stack.Client.PostAsync($"/v1/admin/polls/{Guid.NewGuid()}/hide", new { reason = "x" }, stack.ModeratorToken());

        Assert.Equal(HttpStatusCode.OK, hidePoll.Status);
        Assert.Equal(HttpStatusCode.OK, hideCircle.Status);
        Assert.Equal(ErrorCodes.PollNotFound, hideMissing.ErrorCode);
        Assert.Equal(ErrorCodes.PollNotFound, (await stack.Client.GetAsync($"/v1/polls/{pollId}", circle.Owner.AccessToken)).ErrorCode);
        Assert.Equal(ErrorCodes.CircleNotFound, (await stack.Client.GetAsync($"/v1/circles/{other.Id}", other.Owner.AccessToken)).ErrorCode);
        await AuditAsync("report_hide", pollId.ToString());
        await AuditAsync("hide_circle", other.Id.ToString());
    }

    [Fact]
    public async Task BansAreMadeListedAndLifted()
    {
        var user = await stack.Client.NewUserAsync();
        var moderator = stack.ModeratorToken();

        var ban = await stack.Client.PostAsync("/v1/admin/bans", new { userId = user.UserId, reason = "Under 13, confirmed by a parent." }, moderator);
        Assert.Equal(HttpStatusCode.Created, ban.Status);
        var banId = ban.Data.GetProperty("id").GetGuid();
        var listed = await stack.Client.GetAsync("/v1/admin/bans?limit=100", moderator);
        Assert.Contains(listed.Data.EnumerateArray(), b => b.GetProperty("id").GetGuid() == banId);
        Assert.Equal(ErrorCodes.AuthDeviceBanned, (await stack.Client.PostAsync("/v1/auth/device-login", user.Device.LoginBody())).ErrorCode);

        var lift = await stack.Client.PostAsync($"/v1/admin/bans/{banId}/lift", new { reason = "Appeal accepted." }, moderator);

        Assert.Equal(HttpStatusCode.OK, lift.Status);
        Assert.Equal(HttpStatusCode.OK, (await stack.Client.PostAsync("/v1/auth/device-login", user.Device.LoginBody())).Status);
        Assert.Equal(ErrorCodes.NotFound, (await stack.Client.PostAsync($"/v1/admin/bans/{banId}/lift", new { reason = "again" }, moderator)).ErrorCode);
        Assert.Equal(ErrorCodes.NotFound, (await stack.Client.PostAsync("/v1/admin/bans", new { userId = Guid.NewGuid(), reason = "x" }, moderator)).ErrorCode);
        await AuditAsync("ban_device", user.UserId.ToString());
        await AuditAsync("lift_ban", banId.ToString());
    }

    [Fact]
    public async Task AUserIsLookedUpWithoutDeviceDataOrVotes()
    {
        var circle = await stack.Client.NewCircleAsync(size: 3);
        var member = circle.Others[0];

        var lookup = await stack.Client.GetAsync($"/v1/admin/users/{member.UserId}", stack.ModeratorToken());

        Assert.Equal(HttpStatusCode.OK, lookup.Status);
        Assert.Equal(member.UserId, lookup.Data.GetProperty("account").GetProperty("id").GetGuid());
        Assert.False(lookup.Data.GetProperty("account").GetProperty("isBanned").GetBoolean());
        var membership = Assert.Single(lookup.Data.GetProperty("memberships").EnumerateArray());
        Assert.Equal(circle.Id, membership.GetProperty("circleId").GetGuid());
        Assert.DoesNotContain("device", lookup.RawBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("vote", lookup.RawBody, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ErrorCodes.NotFound, (await stack.Client.GetAsync($"/v1/admin/users/{Guid.NewGuid()}", stack.ModeratorToken())).ErrorCode);
        await AuditAsync("lookup_user", member.UserId.ToString());
    }

    private async Task<Guid> ReportAsync(TestMember reporter, string targetType, Guid targetId, string reason)
    {
        var call = await stack.Client.PostAsync("/v1/reports", new { targetType, targetId, reason }, reporter.AccessToken);
        Assert.True(call.Status == HttpStatusCode.Created, call.RawBody);
        return call.Data.GetProperty("id").GetGuid();
    }

    private async Task<List<string?>> NicknamesAsync(TestCircle circle)
    {
        var call = await stack.Client.GetAsync($"/v1/circles/{circle.Id}/members", circle.Owner.AccessToken);
        return [.. call.Data.EnumerateArray().Select(m => m.GetProperty("nickname").GetString())];
    }

    /// <summary>The one audit entry of this action on this target.</summary>
    private async Task<JsonElement> AuditAsync(string action, string targetId)
    {
        var call = await stack.Client.GetAsync($"/v1/admin/audit-log?action={action}&targetId={targetId}", stack.AdminToken());
        Assert.Equal(HttpStatusCode.OK, call.Status);
        return Assert.Single(call.Data.EnumerateArray());
    }
}
