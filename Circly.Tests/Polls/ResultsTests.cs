using System.Net;
using Circly.Core.Errors;
using Circly.Core.Polls;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Polls;

public sealed class ResultsTests(CirclyStack stack)
{
    [Fact]
    public async Task ResultsAreHiddenBeforeVotingAndShownAfter()
    {
        var circle = await stack.Client.NewCircleAsync(size: 7);
        var pollId = await stack.NewPollAsync(circle);
        await stack.EveryoneVotesAsync(pollId, circle.Others.Take(2));
        var viewer = circle.Others[2];

        var before = await stack.Client.GetAsync($"/v1/polls/{pollId}/results", viewer.AccessToken);
        var pollBefore = await stack.Client.GetAsync($"/v1/polls/{pollId}", viewer.AccessToken);
        await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await stack.OptionForAsync(pollId, viewer) }, viewer.AccessToken);
        var after = await stack.Client.GetAsync($"/v1/polls/{pollId}/results", viewer.AccessToken);

        Assert.False(before.Data.GetProperty("resultsVisible").GetBoolean());
        Assert.Empty(before.Data.GetProperty("results").EnumerateArray());
        Assert.All(pollBefore.Data.GetProperty("options").EnumerateArray(), o => Assert.Equal(System.Text.Json.JsonValueKind.Null, o.GetProperty("voteCount").ValueKind));
        Assert.True(after.Data.GetProperty("resultsVisible").GetBoolean());
        Assert.Equal(3, after.Data.GetProperty("results").EnumerateArray().Sum(r => r.GetProperty("voteCount").GetInt32()));
        Assert.Equal(7, after.Data.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public void RanksAreSharedOnTiesAndATieHasNoSingleWinner()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var c = Guid.NewGuid();

        var (results, winner, isTie, top) = ResultCalculator.Calculate([new(a, "Ana", 0, 3), new(b, "Ben", 1, 3), new(c, "Cy", 2, 1)]);

        Assert.Equal([1, 1, 3], results.Select(r => r.Rank));
        Assert.Equal([42.9, 42.9, 14.3], results.Select(r => r.Percentage));
        Assert.Null(winner);
        Assert.True(isTie);
        Assert.Equal(new[] { a, b }.Order(), top.Select(t => t.OptionId).Order());
    }

    [Fact]
    public void AClearLeaderIsTheWinner()
    {
        var a = Guid.NewGuid();

        var (results, winner, isTie, _) = ResultCalculator.Calculate([new(Guid.NewGuid(), "Ben", 0, 1), new(a, "Ana", 1, 2), new(Guid.NewGuid(), "Cy", 2, 0)]);

        Assert.Equal(a, winner!.OptionId);
        Assert.Equal(66.7, winner.Percentage);
        Assert.False(isTie);
        Assert.Equal([1, 2, 3], results.Select(r => r.Rank));
    }

    [Fact]
    public void NoVotesMeansNoWinner()
    {
        var (results, winner, isTie, top) = ResultCalculator.Calculate([new(Guid.NewGuid(), "Ben", 0, 0), new(Guid.NewGuid(), "Ana", 1, 0)]);

        Assert.Null(winner);
        Assert.False(isTie);
        Assert.Empty(top);
        Assert.All(results, r => Assert.Equal(0, r.Percentage));
    }

    [Fact]
    public async Task UnchangedPollsAndResultsAnswer304AndOnlyAStepOfThreeVotesChangesTheTag()
    {
        var circle = await stack.Client.NewCircleAsync(size: 8);
        var pollId = await stack.NewPollAsync(circle);
        var reader = circle.Others[0];
        await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await stack.OptionForAsync(pollId, reader) }, reader.AccessToken);

        foreach (var path in new[] { $"/v1/polls/{pollId}", $"/v1/polls/{pollId}/results" })
        {
            var first = await stack.Client.GetAsync(path, reader.AccessToken);
            var etag = first.Header("ETag")!;
            var unchanged = await stack.Client.GetAsync(path, reader.AccessToken, new Dictionary<string, string> { ["If-None-Match"] = etag });
            Assert.Equal(HttpStatusCode.NotModified, unchanged.Status);
            Assert.Equal(etag, unchanged.Header("ETag"));
            Assert.Empty(unchanged.RawBody);
        }

        var tagBefore = (await stack.Client.GetAsync($"/v1/polls/{pollId}/results", reader.AccessToken)).Header("ETag")!;
        var ifNoneMatch = new Dictionary<string, string> { ["If-None-Match"] = tagBefore };
        await stack.EveryoneVotesAsync(pollId, [circle.Others[1]]);
        Assert.Equal(HttpStatusCode.NotModified, (await stack.Client.GetAsync($"/v1/polls/{pollId}/results", reader.AccessToken, ifNoneMatch)).Status);
        await stack.EveryoneVotesAsync(pollId, [circle.Others[2]]);
        var changed = await stack.Client.GetAsync($"/v1/polls/{pollId}/results", reader.AccessToken, ifNoneMatch);
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.NotEqual(tagBefore, changed.Header("ETag"));
        Assert.Equal(3, changed.Data.GetProperty("totalVotes").GetInt32());
    }

    /// <summary>The 304 comes from the poll's version alone, but only for someone who may still see the poll.</summary>
    [Fact]
    public async Task AMemberWhoLeftGetsNoNotModifiedForATagTheyStillHold()
    {
        var circle = await stack.Client.NewCircleAsync(size: 5);
        var pollId = await stack.NewPollAsync(circle);
        var leaver = circle.Others[0];
        await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await stack.OptionForAsync(pollId, leaver) }, leaver.AccessToken);
        var tags = new Dictionary<string, string>();
        foreach (var path in new[] { $"/v1/polls/{pollId}", $"/v1/polls/{pollId}/results" })
        {
            tags[path] = (await stack.Client.GetAsync(path, leaver.AccessToken)).Header("ETag")!;
        }

        await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, leaver.AccessToken);

        foreach (var (path, etag) in tags)
        {
            var call = await stack.Client.GetAsync(path, leaver.AccessToken, new Dictionary<string, string> { ["If-None-Match"] = etag });
            Assert.Equal(HttpStatusCode.Forbidden, call.Status);
            Assert.Equal(ErrorCodes.CircleNotMember, call.ErrorCode);
        }
    }
}
