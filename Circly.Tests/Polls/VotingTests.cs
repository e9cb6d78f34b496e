using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Polls;

public sealed class VotingTests(CirclyStack stack)
{
    [Fact]
    public async Task AMemberVotesForAFriendAndTheVoteIsCountedButShownOnlyWithTwoMore()
    {
        var circle = await stack.Client.NewCircleAsync(size: 7);
        var pollId = await stack.NewPollAsync(circle);
        var voter = circle.Others[0];
        var option = await stack.OptionForAsync(pollId, voter);

        var call = await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = option }, voter.AccessToken);
        var poll = await stack.Client.GetAsync($"/v1/polls/{pollId}", voter.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal(0, call.Data.GetProperty("totalVotes").GetInt32());
        Assert.True(poll.Data.GetProperty("userVoted").GetBoolean());
        Assert.Equal(0, poll.Data.GetProperty("totalVotes").GetInt32());
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT total_votes FROM polls WHERE id = @pollId", new { pollId }));

        await stack.EveryoneVotesAsync(pollId, circle.Others.Skip(1).Take(2));
        var shown = await stack.Client.GetAsync($"/v1/polls/{pollId}", voter.AccessToken);
        Assert.Equal(3, shown.Data.GetProperty("totalVotes").GetInt32());
        Assert.True(shown.Data.GetProperty("options").EnumerateArray().Single(o => o.GetProperty("id").GetGuid() == option).GetProperty("voteCount").GetInt32() >= 1);
    }

    [Fact]
    public async Task NobodyVotesForThemselves()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        var voter = circle.Others[1];
        var poll = await stack.Client.GetAsync($"/v1/polls/{pollId}", voter.AccessToken);
        var self = poll.Data.GetProperty("options").EnumerateArray().Single(o => o.GetProperty("memberNickname").GetString() == "Member 3").GetProperty("id").GetGuid();

        var call = await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = self }, voter.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(ErrorCodes.PollInvalidOption, call.ErrorCode);
    }

    [Fact]
    public async Task AnOptionOfAnotherPollIsInvalid()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        var otherPoll = await stack.NewPollAsync(circle);

        var call = await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await stack.OptionForAsync(otherPoll, circle.Owner) }, circle.Owner.AccessToken);

        Assert.Equal(ErrorCodes.PollInvalidOption, call.ErrorCode);
    }

    [Fact]
    public async Task ASecondVoteIsRefused()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await stack.OptionForAsync(pollId, circle.Owner) }, circle.Owner.AccessToken);

        var again = await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await stack.OptionForAsync(pollId, circle.Owner, skip: 1) }, circle.Owner.AccessToken);

        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal(ErrorCodes.PollAlreadyVoted, again.ErrorCode);
    }

    [Fact]
    public async Task AVoteWithoutAnOptionIsRequired()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);

        var call = await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { }, circle.Owner.AccessToken);

        Assert.Equal(ErrorCodes.ValidationRequired, call.ErrorCode);
    }

    [Fact]
    public async Task TwentyVotesSentAtOnceByOneUserCountOnce()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        var option = await stack.OptionForAsync(pollId, circle.Owner);

        var calls = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = option }, circle.Owner.AccessToken)));

        Assert.Single(calls, c => c.Status == HttpStatusCode.OK);
        Assert.Equal(19, calls.Count(c => c.ErrorCode == ErrorCodes.PollAlreadyVoted));
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT total_votes FROM polls WHERE id = @pollId", new { pollId }));
    }

    [Fact]
    public async Task AMemberWhoJoinedAfterThePollStartedCannotVoteInIt()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        var latecomer = await stack.Client.NewUserAsync();
        await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Late Kid" }, latecomer.AccessToken);

        var call = await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await stack.OptionForAsync(pollId, circle.Owner) }, latecomer.AccessToken);

        Assert.Equal(ErrorCodes.CircleNotMember, call.ErrorCode);
    }
}
