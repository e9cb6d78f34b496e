using System.Net;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Polls;

/// <summary>A circle of signed-in members, made through the API, and its polls.</summary>
public sealed record TestCircle(Guid Id, Session Owner, IReadOnlyList<Session> Friends)
{
    public IReadOnlyList<Session> Everyone => [Owner, .. Friends];
}

public static class PollWorld
{
    public static async Task<TestCircle> NewCircleAsync(this ApiClient client, int size, int maxMembers = 50)
    {
        var owner = await client.NewUserAsync();
        var created = await client.PostAsync("/v1/circles", new { name = "Poll Club", nickname = "Owner", maxMembers }, owner.AccessToken);
        Ensure(created, HttpStatusCode.Created);
        var circleId = created.Data.GetProperty("id").GetGuid();
        var code = created.Data.GetProperty("inviteCode").GetString();
        var friends = await Task.WhenAll(Enumerable.Range(1, size - 1).Select(async i =>
        {
            var friend = await client.NewUserAsync();
            Ensure(await client.PostAsync("/v1/circles/join", new { inviteCode = code, nickname = $"Friend {i}" }, friend.AccessToken), HttpStatusCode.OK);
            return friend;
        }));
        return new TestCircle(circleId, owner, friends);
    }

    public static async Task<Guid> RandomTemplateAsync(this CirclyStack stack)
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        return await connection.ExecuteScalarAsync<Guid>("SELECT id FROM question_templates WHERE is_active ORDER BY random() LIMIT 1");
    }

    public static async Task<ApiCall> CreatePollAsync(this CirclyStack stack, TestCircle circle, Session? creator = null, TimeSpan? lasting = null) =>
        await stack.Client.PostAsync("/v1/polls", new
        {
            templateId = await stack.RandomTemplateAsync(),
            circleId = circle.Id,
            deadline = DateTimeOffset.UtcNow + (lasting ?? TimeSpan.FromHours(2)),
        }, (creator ?? circle.Owner).AccessToken);

    public static async Task<Guid> NewPollAsync(this CirclyStack stack, TestCircle circle, Session? creator = null)
    {
        var call = await stack.CreatePollAsync(circle, creator);
        Ensure(call, HttpStatusCode.Created);
        return call.Data.GetProperty("id").GetGuid();
    }

    /// <summary>An option of the poll that is not the voter themself.</summary>
    public static async Task<Guid> OptionForAsync(this CirclyStack stack, Guid pollId, Session voter, int skip = 0)
    {
        var poll = await stack.Client.GetAsync($"/v1/polls/{pollId}", voter.AccessToken);
        var mine = await stack.NicknameOfAsync(voter);
        return poll.Data.GetProperty("options").EnumerateArray()
            .Where(o => o.GetProperty("memberNickname").GetString() != mine)
            .Skip(skip).First().GetProperty("id").GetGuid();
    }

    public static async Task<string?> NicknameOfAsync(this CirclyStack stack, Session member)
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        return await connection.ExecuteScalarAsync<string?>("SELECT nickname FROM circle_members WHERE user_id = @UserId AND is_active LIMIT 1", new { member.UserId });
    }

    /// <summary>Moves a poll's deadline into the past, as time passing would.</summary>
    public static async Task ExpireAsync(this CirclyStack stack, params Guid[] pollIds)
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        await connection.ExecuteAsync("UPDATE polls SET created_at = now() - interval '3 hours', deadline = now() - interval '1 second' WHERE id = ANY(@pollIds)", new { pollIds });
    }

    private static void Ensure(ApiCall call, HttpStatusCode expected)
    {
        if (call.Status != expected)
        {
            throw new InvalidOperationException($"Expected {(int)expected}, got {(int)call.Status}: {call.RawBody}");
        }
    }
}
