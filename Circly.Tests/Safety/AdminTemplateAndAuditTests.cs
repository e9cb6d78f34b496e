using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Circly.Tests.Polls;
using Dapper;
using Npgsql;

namespace Circly.Tests.Safety;

/// <summary>Templates through /v1/admin (admins only) and the append-only audit log.</summary>
public sealed class AdminTemplateAndAuditTests(CirclyStack stack)
{
    [Fact]
    public async Task AnAdminCreatesEditsAndDeactivatesATemplateAndEachStepIsAudited()
    {
        var admin = stack.AdminToken("ada@circly.test");
        var text = $"Who tells the best jokes at lunch {Guid.NewGuid().ToString()[..6]}?";

        var categories = await stack.Client.GetAsync("/v1/admin/templates/categories", admin);
        var created = await stack.Client.PostAsync("/v1/admin/templates", new { category = "fun", questionText = text, emoji = "😄" }, admin);
        var id = created.Data.GetProperty("id").GetGuid();
        var edited = await stack.Client.PutAsync($"/v1/admin/templates/{id}", new { questionText = text.Replace("lunch", "break", StringComparison.Ordinal) }, admin);
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var poll = await stack.Client.PostAsync("/v1/polls", new { templateId = id, circleId = circle.Id, deadline = DateTimeOffset.UtcNow.AddHours(2) }, circle.Owner.AccessToken);
        var deactivated = await stack.Client.PostAsync($"/v1/admin/templates/{id}/deactivate", null, admin);
        var afterwards = await stack.Client.PostAsync("/v1/polls", new { templateId = id, circleId = circle.Id, deadline = DateTimeOffset.UtcNow.AddHours(2) }, circle.Owner.AccessToken);

        Assert.Contains("kindness", categories.Data.EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(text.Replace("lunch", "break", StringComparison.Ordinal), edited.Data.GetProperty("questionText").GetString());
        Assert.Equal(HttpStatusCode.Created, poll.Status);
        Assert.False(deactivated.Data.GetProperty("isActive").GetBoolean());
        Assert.Equal(ErrorCodes.TemplateNotFound, afterwards.ErrorCode);
        var log = await stack.Client.GetAsync($"/v1/admin/audit-log?targetType=template&actor={Uri.EscapeDataString(ActorOf(admin))}", admin);
        var actions = log.Data.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["deactivate_template", "edit_template", "create_template"], actions);
    }

    [Theory]
    [InlineData("fun", "Who is the biggest a$$hole?", "😄", "questionText")]
    [InlineData("fun", "Who?", "😄", "questionText")]
    [InlineData("romance", "Who is the nicest person here?", "😄", "category")]
    [InlineData("fun", "Who is the nicest person here?", "", "emoji")]
    public async Task NewTextMustPassTheWordFilterAndTheRules(string category, string questionText, string emoji, string field)
    {
        var call = await stack.Client.PostAsync("/v1/admin/templates", new { category, questionText, emoji }, stack.AdminToken());

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(field, call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
    }

    [Fact]
    public async Task TheAuditLogIsAppendOnlyInTheDatabase()
    {
        var looked = (await stack.Client.NewUserAsync()).UserId.ToString();
        await stack.Client.GetAsync($"/v1/admin/users/{looked}", stack.ModeratorToken());
        // The app's role has no UPDATE or DELETE on it (migration 0007); the trigger (0011) refuses
        // even the schema's owner, who has every privilege.
        await using var app = new NpgsqlConnection(stack.DatabaseConnectionString);
        await using var owner = new NpgsqlConnection(PostgresServer.AsOwner(stack.DatabaseConnectionString));
        const string mine = "SELECT count(*) FROM admin_audit_log WHERE target_id = @looked";
        Assert.Equal(1, await owner.ExecuteScalarAsync<long>(mine, new { looked }));

        var asApp = await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync("UPDATE admin_audit_log SET reason = 'changed'"));
        var update = await Assert.ThrowsAsync<PostgresException>(() => owner.ExecuteAsync("UPDATE admin_audit_log SET reason = 'changed'"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => owner.ExecuteAsync("DELETE FROM admin_audit_log"));
        var truncate = await Assert.ThrowsAsync<PostgresException>(() => owner.ExecuteAsync("TRUNCATE admin_audit_log"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, asApp.SqlState);
        Assert.All([update, delete, truncate], refused => Assert.Contains("append-only", refused.MessageText));
        Assert.Equal(1, await owner.ExecuteScalarAsync<long>(mine, new { looked }));
    }

    [Fact]
    public async Task EveryAdminActionAppearsInTheAuditLogWithWhoWhatTargetReasonAndWhen()
    {
        var name = $"auditor-{Guid.NewGuid():N}@circly.test";
        // One person with the admin role does everything, so every entry names the same actor.
        var admin = stack.Entra.Issue(CirclyStack.AdminAudience, ["admin"], name);
        var moderator = admin;
        var circle = await stack.Client.NewCircleAsync(size: 6);
        var pollId = await stack.NewPollAsync(circle);
        var reports = new Dictionary<string, Guid>();
        foreach (var (action, type, target) in new[]
        {
            ("dismiss", "nickname", circle.Others[0].MemberId), ("hide", "poll", pollId), ("rename", "circle_name", circle.Id),
            ("remove_member", "member", circle.Others[1].MemberId), ("ban_device", "member", circle.Others[2].MemberId),
        })
        {
            var call = await stack.Client.PostAsync("/v1/reports", new { targetType = type, targetId = target, reason = "other" }, circle.Others[4].AccessToken);
            reports[action] = call.Data.GetProperty("id").GetGuid();
        }
        var started = DateTimeOffset.UtcNow.AddSeconds(-5);

        foreach (var (action, reportId) in reports)
        {
            Assert.True((await stack.Client.PostAsync($"/v1/admin/reports/{reportId}/actions", new { action, reason = $"because {action}" }, moderator)).Success);
        }
        await stack.Client.GetAsync($"/v1/admin/reports/{reports["dismiss"]}", moderator);
        var ban = await stack.Client.PostAsync("/v1/admin/bans", new { userId = circle.Others[3].UserId, reason = "because ban" }, moderator);
        await stack.Client.PostAsync($"/v1/admin/bans/{ban.Data.GetProperty("id").GetGuid()}/lift", new { reason = "because lift" }, moderator);
        await stack.Client.PostAsync($"/v1/admin/polls/{await stack.NewPollAsync(circle)}/hide", new { reason = "because poll" }, moderator);
        await stack.Client.GetAsync($"/v1/admin/users/{circle.Owner.UserId}", moderator);
        var template = await stack.Client.PostAsync("/v1/admin/templates", new { category = "kindness", questionText = $"Who cheers everyone up {Guid.NewGuid().ToString()[..6]}?", emoji = "🌞" }, admin);
        var templateId = template.Data.GetProperty("id").GetGuid();
        await stack.Client.PutAsync($"/v1/admin/templates/{templateId}", new { emoji = "☀️" }, admin);
        await stack.Client.PostAsync($"/v1/admin/templates/{templateId}/deactivate", null, admin);
        await stack.Client.PostAsync($"/v1/admin/circles/{circle.Id}/hide", new { reason = "because circle" }, moderator);

        var log = await stack.Client.GetAsync($"/v1/admin/audit-log?limit=100&actor={Uri.EscapeDataString(ActorOf(moderator))}", admin);
        var entries = log.Data.EnumerateArray().ToList();
        Assert.Equal(
            new[]
            {
                "ban_device", "create_template", "deactivate_template", "edit_template", "hide_circle", "hide_poll", "lift_ban", "lookup_user",
                "report_ban_device", "report_dismiss", "report_hide", "report_remove_member", "report_rename", "view_report",
            },
            entries.Select(e => e.GetProperty("action").GetString()).Order(StringComparer.Ordinal));
        Assert.All(entries, entry =>
        {
            Assert.Equal(ActorOf(moderator), entry.GetProperty("actor").GetString());
            Assert.False(string.IsNullOrEmpty(entry.GetProperty("targetType").GetString()));
            Assert.False(string.IsNullOrEmpty(entry.GetProperty("targetId").GetString()));
            Assert.InRange(entry.GetProperty("createdAt").GetDateTimeOffset(), started, DateTimeOffset.UtcNow.AddMinutes(1));
        });
        Assert.Equal("because rename", entries.Single(e => e.GetProperty("action").GetString() == "report_rename").GetProperty("reason").GetString());
        Assert.Equal(circle.Id.ToString(), entries.Single(e => e.GetProperty("action").GetString() == "hide_circle").GetProperty("targetId").GetString());
    }

    /// <summary>The audit log's actor for a token: "name (object id)".</summary>
    private static string ActorOf(string token)
    {
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token);
        return $"{jwt.GetClaim("preferred_username").Value} ({jwt.GetClaim("oid").Value})";
    }
}
