using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Polls;

/// <summary>
/// The poll list (GET /v1/polls) reads each circle's newest polls and merges them, and counts its
/// total only so far past the page (docs/API.md, "Polls"): its cost follows the page, not the
/// number of polls in the caller's circles.
/// </summary>
public sealed class PollListTests(CirclyStack stack)
{
    [Fact]
    public async Task TheTotalCountsAtMostAHundredPollsPastThePageAndIsExactWithinThat()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        await AddPollsAsync(circle, 125);

        var first = await stack.Client.GetAsync($"/v1/polls?circleId={circle.Id}&limit=10", circle.Owner.AccessToken);
        var near = await stack.Client.GetAsync($"/v1/polls?circleId={circle.Id}&limit=10&offset=110", circle.Owner.AccessToken);
        var last = await stack.Client.GetAsync($"/v1/polls?circleId={circle.Id}&limit=10&offset=120", circle.Owner.AccessToken);

        Assert.Equal((10, 110, true), PageOf(first));
        Assert.Equal((10, 125, true), PageOf(near));
        Assert.Equal((5, 125, false), PageOf(last));
    }

    [Fact]
    public async Task APageOfSeveralCirclesIsTheirPollsMergedNewestFirst()
    {
        var one = await stack.Client.NewCircleAsync(size: 4);
        var other = await stack.Client.NewCircleAsync(one.Owner.Session, memberCount: 4);
        await AddPollsAsync(one, 15, startMinute: 0);
        await AddPollsAsync(other, 15, startMinute: 1);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var newestFirst = (await connection.QueryAsync<Guid>(
            "SELECT id FROM polls WHERE circle_id = ANY(@circles) ORDER BY created_at DESC, id", new { circles = new[] { one.Id, other.Id } })).ToList();

        var page = await stack.Client.GetAsync("/v1/polls?limit=7&offset=7", one.Owner.AccessToken);

        Assert.Equal(newestFirst.Skip(7).Take(7), page.Data.EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        Assert.Equal((7, 30, true), PageOf(page));
    }

    private static (int Items, int Total, bool HasMore) PageOf(ApiCall page)
    {
        var pagination = page.Meta.GetProperty("pagination");
        return (page.Data.GetArrayLength(), pagination.GetProperty("total").GetInt32(), pagination.GetProperty("hasMore").GetBoolean());
    }

    /// <summary>
    /// <paramref name="count"/> open polls in the circle, one created through the API and the rest
    /// copied from it, two minutes apart starting <paramref name="startMinute"/> minutes ago (the
    /// API's daily limit on new polls would stop a test that made this many).
    /// </summary>
    private async Task AddPollsAsync(TestCircle circle, int count, int startMinute = 0)
    {
        var seed = await stack.NewPollAsync(circle);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        await connection.ExecuteAsync("""
            UPDATE polls SET created_at = now() - make_interval(mins => @startMinute) WHERE id = @seed;
            INSERT INTO polls (circle_id, creator_id, template_id, question_text, deadline, eligible_voters, vote_counts, visible_counts, created_at)
            SELECT circle_id, creator_id, template_id, question_text, deadline, eligible_voters, vote_counts, visible_counts,
                   now() - make_interval(mins => @startMinute + 2 * n)
            FROM polls, generate_series(1, @more) AS n WHERE id = @seed
            """, new { seed, startMinute, more = count - 1 });
    }
}
