using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Polls;

/// <summary>No table, row or response links a voter to the option they chose.</summary>
public sealed class AnonymityTests(CirclyStack stack)
{
    [Fact]
    public async Task NoTableHoldsBothAUserReferenceAndAnOptionReference()
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var references = (await connection.QueryAsync<(string Table, string Column, string Target)>("""
            SELECT src.relname, att.attname, dst.relname
            FROM pg_constraint c
            JOIN pg_class src ON src.oid = c.conrelid
            JOIN pg_class dst ON dst.oid = c.confrelid
            JOIN pg_attribute att ON att.attrelid = c.conrelid AND att.attnum = ANY (c.conkey)
            JOIN pg_namespace n ON n.oid = src.relnamespace
            WHERE c.contype = 'f' AND n.nspname = 'public'
            """)).ToList();
        var columns = (await connection.QueryAsync<(string Table, string Column)>(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'")).ToList();

        bool ReferencesUsers(string table) =>
            references.Any(r => r.Table == table && r.Target is "users" or "circle_members")
            || columns.Any(c => c.Table == table && c.Column is "user_id" or "voter_id" or "member_id");
        bool ReferencesOptions(string table) =>
            references.Any(r => r.Table == table && r.Target == "poll_options")
            || columns.Any(c => c.Table == table && c.Column is "option_id" or "poll_option_id" or "choice");

        var linking = columns.Select(c => c.Table).Distinct().Where(t => ReferencesUsers(t) && ReferencesOptions(t)).ToList();
        Assert.Empty(linking);
        Assert.Contains(columns, c => c.Table == "poll_options");
        Assert.Contains(references, r => r.Table == "circle_members" && r.Target == "users");
    }

    [Fact]
    public async Task AParticipationRecordHoldsOnlyThePollAndAKeyedHash()
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);

        var participationColumns = (await connection.QueryAsync<string>(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'poll_participations'")).Order();

        Assert.Equal(["poll_id", "voter_hash"], participationColumns);
    }

    [Fact]
    public async Task AVoteWritesNothingToTheOptionRows()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        const string versions = "SELECT id, xmin::text FROM poll_options WHERE poll_id = @pollId ORDER BY id";
        var before = (await connection.QueryAsync<(Guid, string)>(versions, new { pollId })).ToList();

        await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await stack.OptionForAsync(pollId, circle.Owner) }, circle.Owner.AccessToken);

        Assert.Equal(before, (await connection.QueryAsync<(Guid, string)>(versions, new { pollId })).ToList());
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT total_votes FROM polls WHERE id = @pollId", new { pollId }));
    }

    [Fact]
    public async Task AVoteWritesOnlyItsAnalyticsEventWhichNamesNeitherVoterNorChoiceAndSendsNothingAtOnce()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        const string events = "SELECT event_type, payload::text AS payload, dispatched_at IS NOT NULL AS dispatched FROM outbox_events WHERE payload->>'pollId' = @id ORDER BY event_type";
        var before = (await connection.QueryAsync<(string Type, string Payload, bool Dispatched)>(events, new { id = pollId.ToString() })).ToList();
        var optionId = await stack.OptionForAsync(pollId, circle.Owner);

        await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId }, circle.Owner.AccessToken);

        var after = (await connection.QueryAsync<(string Type, string Payload, bool Dispatched)>(events, new { id = pollId.ToString() })).ToList();
        var added = after.Where(e => e.Type != "PollCreated").ToList();
        Assert.Equal(before.Count + 1, after.Count);
        var vote = Assert.Single(added);
        Assert.Equal("VoteCast", vote.Type);
        Assert.Equal($$"""{"pollId": "{{pollId}}", "circleId": "{{circle.Id}}"}""", vote.Payload);
        // Not sent at the moment of the vote: the outbox sweep takes it later, with the others of that minute.
        Assert.False(vote.Dispatched);
        Assert.DoesNotContain(optionId.ToString(), vote.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain(circle.Owner.UserId.ToString(), vote.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASingleVoteChangesNothingAnotherMemberCanSee()
    {
        var circle = await stack.Client.NewCircleAsync(size: 9);
        var pollId = await stack.NewPollAsync(circle);
        var watcher = circle.Members[1];
        var bystander = circle.Members[8];
        await stack.EveryoneVotesAsync(pollId, [watcher]);
        var voters = circle.Members.Where(m => m != watcher && m != bystander).ToList();
        var seen = new List<string> { await ObserveAsync(pollId, watcher) + await ObserveAsync(pollId, bystander) };
        var votesSinceLastChange = 1;
        var steps = new List<int>();

        foreach (var voter in voters)
        {
            Assert.True((await stack.EveryoneVotesAsync(pollId, [voter]))[0].Success);
            votesSinceLastChange++;
            var now = await ObserveAsync(pollId, watcher) + await ObserveAsync(pollId, bystander);
            if (now != seen[^1])
            {
                Assert.True(votesSinceLastChange >= 3, $"What members see changed after {votesSinceLastChange} new vote(s)");
                steps.Add(seen.Count + 1);
                votesSinceLastChange = 0;
            }
            seen.Add(now);
        }

        // 8 of 9 voted: shown at the 3rd and the 6th vote; the 7th and 8th wait for the close, since
        // fewer than 3 members were left who could still vote.
        Assert.Equal([3, 6], steps);
        await stack.ExpireAsync(pollId);
        var closed = await stack.Client.GetAsync($"/v1/polls/{pollId}/results", bystander.AccessToken);
        Assert.Equal(8, closed.Data.GetProperty("totalVotes").GetInt32());
    }

    /// <summary>Everything a member can read about a poll: the poll, its results, its list entry, and their ETags.</summary>
    private async Task<string> ObserveAsync(Guid pollId, TestMember member)
    {
        var poll = await stack.Client.GetAsync($"/v1/polls/{pollId}", member.AccessToken);
        var results = await stack.Client.GetAsync($"/v1/polls/{pollId}/results", member.AccessToken);
        var list = await stack.Client.GetAsync("/v1/polls?status=active", member.AccessToken);
        var listed = list.Data.EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == pollId);
        return string.Join("\n", poll.Header("ETag"), poll.Data.GetRawText(), results.Header("ETag"), results.Data.GetRawText(), listed.GetRawText());
    }
}
