using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Polls;

public sealed class PollCreationTests(CirclyStack stack)
{
    [Fact]
    public async Task APollOffersEveryMemberItsCreatorIncludedAndTakesTheTemplatesQuestion()
    {
        var circle = await stack.Client.NewCircleAsync(size: 6);
        var templateId = await stack.RandomTemplateAsync();

        var call = await stack.Client.PostAsync("/v1/polls", new { templateId, circleId = circle.Id, deadline = DateTimeOffset.UtcNow.AddHours(3) }, circle.Owner.AccessToken);

        Assert.Equal(HttpStatusCode.Created, call.Status);
        var poll = call.Data;
        var nicknames = poll.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("memberNickname").GetString()).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"Member {i}").Order(), nicknames);
        Assert.Equal(Enumerable.Range(0, 6), poll.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("displayOrder").GetInt32()));
        Assert.Equal(6, poll.GetProperty("totalParticipants").GetInt32());
        Assert.Equal(0, poll.GetProperty("totalVotes").GetInt32());
        Assert.True(poll.GetProperty("isCreator").GetBoolean());
        Assert.True(poll.GetProperty("isAnonymous").GetBoolean());
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        Assert.Equal(await connection.ExecuteScalarAsync<string>("SELECT question_text FROM question_templates WHERE id = @templateId", new { templateId }),
            poll.GetProperty("questionText").GetString());
    }

    [Fact]
    public async Task CreatingAPollCountsTheTemplatesUseTheMembersPollAndWritesAPollCreatedEvent()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var templateId = await stack.RandomTemplateAsync();
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var usesBefore = await connection.ExecuteScalarAsync<int>("SELECT usage_count FROM question_templates WHERE id = @templateId", new { templateId });

        var call = await stack.Client.PostAsync("/v1/polls", new { templateId, circleId = circle.Id, deadline = DateTimeOffset.UtcNow.AddHours(3) }, circle.Others[0].AccessToken);
        var pollId = call.Data.GetProperty("id").GetGuid();

        Assert.True(await connection.ExecuteScalarAsync<int>("SELECT usage_count FROM question_templates WHERE id = @templateId", new { templateId }) > usesBefore);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT polls_created FROM circle_members WHERE user_id = @UserId AND is_active", new { circle.Others[0].UserId }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM outbox_events WHERE event_type = 'PollCreated' AND payload->>'pollId' = @id", new { id = pollId.ToString() }));
    }

    [Theory]
    [InlineData(-60)]
    [InlineData(1)]
    [InlineData(60 * 24 * 8)]
    public async Task ADeadlineOutsideTheBoundsIsOutOfRange(int minutesFromNow)
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);

        var call = await stack.Client.PostAsync("/v1/polls", new { templateId = await stack.RandomTemplateAsync(), circleId = circle.Id, deadline = DateTimeOffset.UtcNow.AddMinutes(minutesFromNow) }, circle.Owner.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(ErrorCodes.ValidationOutOfRange, call.ErrorCode);
    }

    [Theory]
    [InlineData("templateId")]
    [InlineData("circleId")]
    [InlineData("deadline")]
    public async Task AMissingFieldIsRequired(string missing)
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var body = new Dictionary<string, object>
        {
            ["templateId"] = await stack.RandomTemplateAsync(),
            ["circleId"] = circle.Id,
            ["deadline"] = DateTimeOffset.UtcNow.AddHours(1),
        };
        body.Remove(missing);

        var call = await stack.Client.PostAsync("/v1/polls", body, circle.Owner.AccessToken);

        Assert.Equal(ErrorCodes.ValidationRequired, call.ErrorCode);
        Assert.Equal(missing, call.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ACircleTooSmallForThreeChoicesEachGetsAClearError(int size)
    {
        var circle = await stack.Client.NewCircleAsync(size: size);

        var call = await stack.CreatePollAsync(circle);

        Assert.Equal(HttpStatusCode.Conflict, call.Status);
        Assert.Equal(ErrorCodes.PollTooFewMembers, call.ErrorCode);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(9)]
    public async Task NoVoterInAnAllowedCircleSizeHasFewerThanThreeChoices(int size)
    {
        var circle = await stack.Client.NewCircleAsync(size: size);
        var pollId = await stack.NewPollAsync(circle, circle.Others[0]);

        foreach (var member in circle.Members)
        {
            var poll = await stack.Client.GetAsync($"/v1/polls/{pollId}", member.AccessToken);
            var choices = poll.Data.GetProperty("options").EnumerateArray().Where(o => o.GetProperty("memberNickname").GetString() != member.Nickname).ToList();
            Assert.True(choices.Count >= 3, $"{member.Nickname} has {choices.Count} choices in a circle of {size}");
            Assert.Equal(size - 1, choices.Count);
        }
        var votes = await Task.WhenAll(circle.Members.Select(async m =>
            await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = await stack.OptionForAsync(pollId, m, skip: 2) }, m.AccessToken)));
        Assert.All(votes, v => Assert.True(v.Success, v.RawBody));
    }

    [Fact]
    public async Task WhenAMemberLeavesTheirOptionStaysEveryoneKeepsThreeChoicesAndTheyCanNoLongerVote()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        var leaver = circle.Others[2];
        var anyOption = await stack.OptionForAsync(pollId, circle.Owner, skip: 2);
        var before = await stack.Client.GetAsync($"/v1/polls/{pollId}", leaver.AccessToken);

        Assert.True((await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, leaver.AccessToken)).Success);

        var after = await stack.Client.GetAsync($"/v1/polls/{pollId}", circle.Owner.AccessToken);
        Assert.Equal(4, after.Data.GetProperty("options").GetArrayLength());
        Assert.Contains(after.Data.GetProperty("options").EnumerateArray(), o => o.GetProperty("memberNickname").GetString() == leaver.Nickname);
        var voteForLeaver = before.Data.GetProperty("options").EnumerateArray()
            .Single(o => o.GetProperty("memberNickname").GetString() == leaver.Nickname).GetProperty("id").GetGuid();
        Assert.True((await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = voteForLeaver }, circle.Others[0].AccessToken)).Success);
        var leaverVotes = await stack.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = anyOption }, leaver.AccessToken);
        Assert.Equal(ErrorCodes.CircleNotMember, leaverVotes.ErrorCode);
    }

    [Fact]
    public async Task AnUnknownTemplateIsNotFound()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);

        var call = await stack.Client.PostAsync("/v1/polls", new { templateId = Guid.NewGuid(), circleId = circle.Id, deadline = DateTimeOffset.UtcNow.AddHours(1) }, circle.Owner.AccessToken);

        Assert.Equal(ErrorCodes.TemplateNotFound, call.ErrorCode);
    }

    [Fact]
    public async Task OnlyMembersCanStartAPollInACircle()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var outsider = await stack.Client.NewUserAsync();

        var call = await stack.CreatePollAsync(circle, new TestMember(outsider, Guid.Empty, "Outsider"));

        Assert.Equal(HttpStatusCode.NotFound, call.Status);
        Assert.Equal(ErrorCodes.CircleNotFound, call.ErrorCode);
    }
}
