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
        await stack.PassCloseDelayAsync(pollId);
        await stack.Api.Get<Circly.Core.Polls.PollService>().CloseExpiredAsync(TestContext.Current.CancellationToken);
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
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT total_votes FROM polls WHERE id = @pollId", new { pollId }));
    }

    [Fact]
    public async Task NoVoteClosesAPollEveryoneVotedInClosesAtATimerRunAfterARandomDelay()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        const string closedEvents = "SELECT count(*) FROM outbox_events WHERE event_type = 'PollClosed' AND payload->>'pollId' = @id";

        var votes = await stack.EveryoneVotesAsync(pollId, circle.Members);

        Assert.All(votes, v => Assert.False(v.Data.GetProperty("isClosed").GetBoolean()));
        var delay = await connection.QuerySingleAsync<(bool IsClosed, double Seconds)>(
            "SELECT is_closed, extract(epoch FROM close_after - now())::float8 FROM polls WHERE id = @pollId", new { pollId });
        Assert.False(delay.IsClosed);
        Assert.InRange(delay.Seconds, TimeSpan.FromMinutes(15).TotalSeconds - 60, TimeSpan.FromHours(1).TotalSeconds);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(closedEvents, new { id = pollId.ToString() }));

        var service = stack.Api.Get<Circly.Core.Polls.PollService>();
        await service.CloseExpiredAsync(TestContext.Current.CancellationToken);
        Assert.False((await stack.Client.GetAsync($"/v1/polls/{pollId}", circle.Owner.AccessToken)).Data.GetProperty("isClosed").GetBoolean());

        await stack.PassCloseDelayAsync(pollId);
        await service.CloseExpiredAsync(TestContext.Current.CancellationToken);
        var poll = await stack.Client.GetAsync($"/v1/polls/{pollId}", circle.Owner.AccessToken);
        Assert.True(poll.Data.GetProperty("isClosed").GetBoolean());
        Assert.Equal(4, poll.Data.GetProperty("totalVotes").GetInt32());
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(closedEvents, new { id = pollId.ToString() }));
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
