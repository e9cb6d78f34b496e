using System.Net;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Polls;

public static class PollWorld
{
    /// <summary>A circle of <paramref name="size"/> members with a new owner ("Member 1"); the others are "Member 2" to "Member n".</summary>
    public static async Task<TestCircle> NewCircleAsync(this ApiClient client, int size, int? maxMembers = null) =>
        await client.NewCircleAsync(await client.NewUserAsync(), memberCount: size, maxMembers: maxMembers);

    public static async Task<Guid> RandomTemplateAsync(this CirclyStack stack)
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        return await connection.ExecuteScalarAsync<Guid>("SELECT id FROM question_templates WHERE is_active ORDER BY random() LIMIT 1");
    }

    public static async Task<ApiCall> CreatePollAsync(this CirclyStack stack, TestCircle circle, TestMember? creator = null, TimeSpan? lasting = null) =>
        await stack.Client.PostAsync("/v1/polls", new
        {
            templateId = await stack.RandomTemplateAsync(),
            circleId = circle.Id,
            deadline = DateTimeOffset.UtcNow + (lasting ?? TimeSpan.FromHours(2)),
        }, (creator ?? circle.Owner).AccessToken);

    public static async Task<Guid> NewPollAsync(this CirclyStack stack, TestCircle circle, TestMember? creator = null)
    {
        var call = await stack.CreatePollAsync(circle, creator);
        Ensure(call, HttpStatusCode.Created);
        return call.Data.GetProperty("id").GetGuid();
    }

    /// <summary>An option of the poll that is not the voter themself.</summary>
    public static async Task<Guid> OptionForAsync(this CirclyStack stack, Guid pollId, TestMember voter, int skip = 0)
    {
        var poll = await stack.Client.GetAsync($"/v1/polls/{pollId}", voter.AccessToken);
        return poll.Data.GetProperty("options").EnumerateArray()
            .Where(o => o.GetProperty("memberNickname").GetString() != voter.Nickname)
            .Skip(skip).First().GetProperty("id").GetGuid();
    }

    /// <summary>Moves a poll's deadline into the past, as time passing would.</summary>
    public static async Task ExpireAsync(this CirclyStack stack, params Guid[] pollIds)
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        await connection.ExecuteAsync("UPDATE polls SET created_at = now() - interval '3 hours', deadline = now() - interval '1 second' WHERE id = ANY(@pollIds)", new { pollIds });
    }

    /// <summary>Lets the random delay of polls everyone voted in run out, as time passing would.</summary>
    public static async Task PassCloseDelayAsync(this CirclyStack stack, params Guid[] pollIds)
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var moved = await connection.ExecuteAsync("UPDATE polls SET close_after = now() - interval '1 second' WHERE id = ANY(@pollIds) AND close_after IS NOT NULL", new { pollIds });
        if (moved != pollIds.Length)
        {
            throw new InvalidOperationException($"Only {moved} of {pollIds.Length} polls were complete.");
        }
    }

    /// <summary>Every member votes for the first option that is not themself; returns the calls.</summary>
    public static async Task<ApiCall[]> EveryoneVotesAsync(this CirclyStack stack, Guid pollId, IEnumerable<TestMember> voters)
    {
        var calls = new List<ApiCall>();
        foreach (var voter in voters)
        {
            calls.Add(await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await stack.OptionForAsync(pollId, voter) }, voter.AccessToken));
        }
        return [.. calls];
    }

    private static void Ensure(ApiCall call, HttpStatusCode expected)
    {
        if (call.Status != expected)
        {
            throw new InvalidOperationException($"Expected {(int)expected}, got {(int)call.Status}: {call.RawBody}");
        }
    }
}
