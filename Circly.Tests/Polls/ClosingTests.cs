using System.Text.Json;
using Circly.Core.Errors;
using Circly.Core.Outbox;
using Circly.Core.Polls;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Polls;

/// <summary>The closing and reminder timers work on every poll: these tests have a database of their own.</summary>
[Collection(GlobalTimers.Name)]
public sealed class ClosingTests(GlobalTimersStack stack)
{
    [Fact]
    public async Task TwoOverlappingRunsOfTheClosingTimerCloseEachPollOnceWithOneEventEach()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var polls = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            polls.Add(await stack.NewPollAsync(circle));
        }
        await stack.ExpireAsync([.. polls]);
        var service = stack.Api.Get<PollService>();

        var runs = await Task.WhenAll(service.CloseExpiredAsync(TestContext.Current.CancellationToken), service.CloseExpiredAsync(TestContext.Current.CancellationToken));

        Assert.True(runs.Sum() >= 12);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var events = (await connection.QueryAsync<string>(
            "SELECT payload->>'pollId' FROM outbox_events WHERE event_type = 'PollClosed' AND payload->>'pollId' = ANY(@ids)",
            new { ids = polls.Select(p => p.ToString()).ToArray() })).ToList();
        Assert.Equal(polls.Select(p => p.ToString()).Order(), events.Order());
        Assert.Equal(12, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM polls WHERE id = ANY(@polls) AND is_closed AND closed_at IS NOT NULL", new { polls = polls.ToArray() }));
    }

    [Fact]
    public async Task ABacklogLargerThanAChunkIsClosedChunkByChunkEachPollOnceWithAnEventThatCarriesIt()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var polls = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            polls.Add(await stack.NewPollAsync(circle));
        }
        var voter = circle.Others[0];
        await stack.Client.PostAsync($"/v1/polls/{polls[0]}/vote", new { optionId = await stack.OptionForAsync(polls[0], voter) }, voter.AccessToken);
        await stack.ExpireAsync([.. polls]);

        var events = await stack.Api.Get<PollRepository>().CloseExpiredAsync(TestContext.Current.CancellationToken, chunk: 3);

        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var announced = (await connection.QueryAsync<string>(
            "SELECT payload::text FROM outbox_events WHERE id = ANY(@events) AND event_type = 'PollClosed'", new { events = events.ToArray() }))
            .Select(json => OutboxWriter.Read<PollClosed>(JsonDocument.Parse(json).RootElement))
            .Where(e => polls.Contains(e.PollId))
            .ToDictionary(e => e.PollId);
        Assert.Equal(polls.Order(), announced.Keys.Order());
        var question = (await stack.Client.GetAsync($"/v1/polls/{polls[0]}", circle.Owner.AccessToken)).Data.GetProperty("questionText").GetString();
        Assert.Equal(new PollClosed(polls[0], circle.Id, question!, TotalVotes: 1, EligibleVoters: 4), announced[polls[0]]);
        Assert.All(polls.Skip(1), p => Assert.Equal((0, 4), (announced[p].TotalVotes, announced[p].EligibleVoters)));
        Assert.Equal(7, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM polls WHERE id = ANY(@polls) AND is_closed", new { polls = polls.ToArray() }));
    }

    [Fact]
    public async Task ALateTimerClosesEverythingThatExpiredMeanwhileAndLeavesOpenPollsAlone()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var expired = await stack.NewPollAsync(circle);
        var open = await stack.NewPollAsync(circle);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        // The timer last finished three days ago (its watermark), and the poll expired two days ago.
        await connection.ExecuteAsync("UPDATE poll_closing SET closed_through = now() - interval '3 days'");
        await connection.ExecuteAsync("UPDATE polls SET created_at = now() - interval '3 days', deadline = now() - interval '2 days' WHERE id = @expired", new { expired });

        await stack.Api.Get<PollService>().CloseExpiredAsync(TestContext.Current.CancellationToken);

        Assert.True(await connection.ExecuteScalarAsync<bool>("SELECT is_closed FROM polls WHERE id = @expired", new { expired }));
        Assert.False(await connection.ExecuteScalarAsync<bool>("SELECT is_closed FROM polls WHERE id = @open", new { open }));
    }

    [Fact]
    public async Task ARunThatClosedEverythingMovesTheWatermarkToItsStartAndTheNextRunStillClosesWhatExpiresAfter()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var first = await stack.NewPollAsync(circle);
        var later = await stack.NewPollAsync(circle);
        await stack.ExpireAsync(first);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var before = await connection.ExecuteScalarAsync<DateTime>("SELECT now()");
        var service = stack.Api.Get<PollService>();

        await service.CloseExpiredAsync(TestContext.Current.CancellationToken);
        var watermark = await connection.ExecuteScalarAsync<DateTime>("SELECT closed_through FROM poll_closing");
        await stack.ExpireAsync(later);
        await service.CloseExpiredAsync(TestContext.Current.CancellationToken);

        Assert.True(watermark >= before, $"watermark {watermark:O} is before the run's start {before:O}");
        Assert.True(watermark <= await connection.ExecuteScalarAsync<DateTime>("SELECT now()"));
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM polls WHERE id = ANY(@polls) AND is_closed", new { polls = new[] { first, later } }));
    }

    [Fact]
    public async Task NoIndexOnPollsNamesAColumnTheClosingUpdateChangesSoClosingCanBeAHeapOnlyUpdate()
    {
        // PostgreSQL writes an update heap-only (no index entry) only when no index names a changed
        // column, in its key or its predicate (migration 0065).
        // The closing update sets these (PollRepository.CloseExpiredSql), and not updated_at, which idx_polls_deleted names.
        string[] changed = ["is_closed", "closed_at", "version", "visible_counts", "visible_votes"];
        Assert.All(changed, column => Assert.Contains($"{column} = ", PollRepository.CloseExpiredSql, StringComparison.Ordinal));
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);

        var definitions = (await connection.QueryAsync<string>(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'polls'::regclass")).ToList();

        Assert.NotEmpty(definitions);
        Assert.All(definitions, definition => Assert.DoesNotMatch($@"\b({string.Join('|', changed)})\b", definition));
        Assert.DoesNotContain("updated_at", PollRepository.CloseExpiredSql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheClosingTimerRunsThroughTheHostsAdminEndpoint()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        await stack.ExpireAsync(pollId);

        using var response = await stack.Client.RunFunctionAsync("ClosePolls");

        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var poll = await stack.Client.GetAsync($"/v1/polls/{pollId}", circle.Owner.AccessToken);
        Assert.True(poll.Data.GetProperty("isClosed").GetBoolean());
    }

    [Fact]
    public async Task APollNearItsDeadlineIsAnnouncedOnceToEveryMemberWhoMayVoteWhetherTheyVotedOrNot()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        var voter = circle.Others[0];
        await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await stack.OptionForAsync(pollId, voter) }, voter.AccessToken);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        await connection.ExecuteAsync("UPDATE polls SET deadline = now() + interval '30 minutes' WHERE id = @pollId", new { pollId });
        var service = stack.Api.Get<PollService>();

        await service.AnnounceDeadlinesAsync(TestContext.Current.CancellationToken);
        await service.AnnounceDeadlinesAsync(TestContext.Current.CancellationToken);
        var reminded = await service.GetEligibleVoterUserIdsAsync(pollId, TestContext.Current.CancellationToken);

        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM outbox_events WHERE event_type = 'PollDeadlineSoon' AND payload->>'pollId' = @id", new { id = pollId.ToString() }));
        Assert.Equal(circle.Members.Select(m => m.UserId).Order(), reminded.Order());
    }

    [Fact]
    public async Task ResultsAreShownToEveryMemberOnceThePollIsClosed()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        await stack.ExpireAsync(pollId);
        await stack.Api.Get<PollService>().CloseExpiredAsync(TestContext.Current.CancellationToken);

        var call = await stack.Client.GetAsync($"/v1/polls/{pollId}/results", circle.Others[2].AccessToken);

        Assert.True(call.Data.GetProperty("isClosed").GetBoolean());
        Assert.True(call.Data.GetProperty("resultsVisible").GetBoolean());
    }

    [Fact]
    public async Task AVoteAfterTheDeadlineIsExpiredAndAfterClosingIsClosed()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        var option = await stack.OptionForAsync(pollId, circle.Owner);

        await stack.ExpireAsync(pollId);
        var expired = await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = option }, circle.Owner.AccessToken);
        await stack.Api.Get<PollService>().CloseExpiredAsync(TestContext.Current.CancellationToken);
        var closed = await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = option }, circle.Owner.AccessToken);

        Assert.Equal(ErrorCodes.PollExpired, expired.ErrorCode);
        Assert.Equal(ErrorCodes.PollClosed, closed.ErrorCode);
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
        await stack.Api.Get<PollService>().CloseExpiredAsync(TestContext.Current.CancellationToken);
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

        var service = stack.Api.Get<PollService>();
        await service.CloseExpiredAsync(TestContext.Current.CancellationToken);
        Assert.False((await stack.Client.GetAsync($"/v1/polls/{pollId}", circle.Owner.AccessToken)).Data.GetProperty("isClosed").GetBoolean());

        await stack.PassCloseDelayAsync(pollId);
        await service.CloseExpiredAsync(TestContext.Current.CancellationToken);
        var poll = await stack.Client.GetAsync($"/v1/polls/{pollId}", circle.Owner.AccessToken);
        Assert.True(poll.Data.GetProperty("isClosed").GetBoolean());
        Assert.Equal(4, poll.Data.GetProperty("totalVotes").GetInt32());
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(closedEvents, new { id = pollId.ToString() }));
    }
}
