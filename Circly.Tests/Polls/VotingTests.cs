using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Polls;

public sealed class VotingTests(CirclyStack stack)
{
    [Fact]
    public async Task AMemberVotesForAFriendAndTheCountGoesUp()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        var voter = circle.Others[0];
        var option = await stack.OptionForAsync(pollId, voter);

        var call = await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = option }, voter.AccessToken);
        var poll = await stack.Client.GetAsync($"/v1/polls/{pollId}", voter.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.True(poll.Data.GetProperty("userVoted").GetBoolean());
        Assert.Equal(1, poll.Data.GetProperty("totalVotes").GetInt32());
        Assert.Equal(1, poll.Data.GetProperty("options").EnumerateArray().Single(o => o.GetProperty("id").GetGuid() == option).GetProperty("voteCount").GetInt32());
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
        var circle = await stack.Client.NewCircleAsync(size: 3);
        var pollId = await stack.NewPollAsync(circle);

        var call = await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { }, circle.Owner.AccessToken);

        Assert.Equal(ErrorCodes.ValidationRequired, call.ErrorCode);
    }

    [Fact]
    public async Task TwoHundredMembersVotingAtOnceAreAllCountedExactly()
    {
        var circle = await stack.Client.NewCircleAsync(size: 200, maxMembers: 200);
        var pollId = await stack.NewPollAsync(circle);
        var poll = await stack.Client.GetAsync($"/v1/polls/{pollId}", circle.Owner.AccessToken);
        var options = poll.Data.GetProperty("options").EnumerateArray()
            .Select(o => (Id: o.GetProperty("id").GetGuid(), Nickname: o.GetProperty("memberNickname").GetString()!)).ToList();
        // Each voter picks the first option that is not themself: expected counts are known in advance.
        var choices = circle.Members.Select(v => (Voter: v, Option: options.First(o => o.Nickname != v.Nickname).Id)).ToList();

        var calls = await Task.WhenAll(choices.Select(c => stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = c.Option }, c.Voter.AccessToken)));

        Assert.All(calls, call => Assert.True(call.Success, call.RawBody));
        var results = await stack.Client.GetAsync($"/v1/polls/{pollId}/results", circle.Owner.AccessToken);
        Assert.Equal(200, results.Data.GetProperty("totalVotes").GetInt32());
        var counts = results.Data.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("optionId").GetGuid(), r => r.GetProperty("voteCount").GetInt32());
        foreach (var group in choices.GroupBy(c => c.Option))
        {
            Assert.Equal(group.Count(), counts[group.Key]);
        }
        Assert.True(results.Data.GetProperty("isClosed").GetBoolean());
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
        var poll = await stack.Client.GetAsync($"/v1/polls/{pollId}", circle.Owner.AccessToken);
        Assert.Equal(1, poll.Data.GetProperty("totalVotes").GetInt32());
    }

    [Fact]
    public async Task APollClosesAsSoonAsEveryEligibleMemberHasVoted()
    {
        var circle = await stack.Client.NewCircleAsync(size: 3);
        var pollId = await stack.NewPollAsync(circle);

        foreach (var voter in circle.Members)
        {
            var call = await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await stack.OptionForAsync(pollId, voter) }, voter.AccessToken);
            Assert.True(call.Success, call.RawBody);
        }

        var poll = await stack.Client.GetAsync($"/v1/polls/{pollId}", circle.Owner.AccessToken);
        Assert.True(poll.Data.GetProperty("isClosed").GetBoolean());
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM outbox_events WHERE event_type = 'PollClosed' AND payload->>'pollId' = @id", new { id = pollId.ToString() }));
    }

    [Fact]
    public async Task AMemberWhoJoinedAfterThePollStartedCannotVoteInIt()
    {
        var circle = await stack.Client.NewCircleAsync(size: 3);
        var pollId = await stack.NewPollAsync(circle);
        var latecomer = await stack.Client.NewUserAsync();
        await stack.Client.PostAsync("/v1/circles/join", new { inviteCode = circle.InviteCode, nickname = "Late Kid" }, latecomer.AccessToken);

        var call = await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await stack.OptionForAsync(pollId, circle.Owner) }, latecomer.AccessToken);

        Assert.Equal(ErrorCodes.CircleNotMember, call.ErrorCode);
    }
}
