using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Polls;

public sealed class PollAccessTests(CirclyStack stack)
{
    [Fact]
    public async Task ANonMemberGetsTheSameNotFoundForEveryPollEndpointWhetherOrNotThePollExists()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        var outsider = await stack.Client.NewUserAsync();
        var option = await stack.OptionForAsync(pollId, circle.Owner);

        foreach (var id in new[] { pollId, Guid.NewGuid() })
        {
            var calls = new[]
            {
                await stack.Client.GetAsync($"/v1/polls/{id}", outsider.AccessToken),
                await stack.Client.GetAsync($"/v1/polls/{id}/results", outsider.AccessToken),
                await stack.Client.PostAsync($"/v1/polls/{id}/vote", new { optionId = option }, outsider.AccessToken),
                await stack.Client.PutAsync($"/v1/polls/{id}", new { deadline = DateTimeOffset.UtcNow.AddHours(5) }, outsider.AccessToken),
                await stack.Client.DeleteAsync($"/v1/polls/{id}", outsider.AccessToken),
            };
            Assert.All(calls, call =>
            {
                Assert.Equal(HttpStatusCode.NotFound, call.Status);
                Assert.Equal(ErrorCodes.PollNotFound, call.ErrorCode);
            });
        }
        var list = await stack.Client.GetAsync($"/v1/polls?circleId={circle.Id}", outsider.AccessToken);
        Assert.Equal(ErrorCodes.CircleNotFound, list.ErrorCode);
        var all = await stack.Client.GetAsync("/v1/polls", outsider.AccessToken);
        Assert.Empty(all.Data.EnumerateArray());
    }

    [Fact]
    public async Task AMalformedPollIdIsNotFound()
    {
        var user = await stack.Client.NewUserAsync();

        Assert.Equal(ErrorCodes.PollNotFound, (await stack.Client.GetAsync("/v1/polls/not-a-uuid", user.AccessToken)).ErrorCode);
    }

    [Fact]
    public async Task AMemberWhoLeftLosesAccessToTheCirclesPolls()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        var leaver = circle.Others[2];

        Assert.True((await stack.Client.PostAsync($"/v1/circles/{circle.Id}/leave", null, leaver.AccessToken)).Success);
        var call = await stack.Client.GetAsync($"/v1/polls/{pollId}", leaver.AccessToken);

        Assert.Equal(HttpStatusCode.Forbidden, call.Status);
        Assert.Equal(ErrorCodes.CircleNotMember, call.ErrorCode);
        var stillThere = await stack.Client.GetAsync($"/v1/polls/{pollId}", circle.Owner.AccessToken);
        Assert.Contains(stillThere.Data.GetProperty("options").EnumerateArray(), o => o.GetProperty("memberNickname").GetString() == "Member 4");
    }

    [Fact]
    public async Task OnlyTheCreatorChangesOrDeletesAPoll()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        var later = DateTimeOffset.UtcNow.AddHours(6);

        var notCreatorPut = await stack.Client.PutAsync($"/v1/polls/{pollId}", new { deadline = later }, circle.Others[0].AccessToken);
        var notCreatorDelete = await stack.Client.DeleteAsync($"/v1/polls/{pollId}", circle.Others[0].AccessToken);
        var extended = await stack.Client.PutAsync($"/v1/polls/{pollId}", new { deadline = later }, circle.Owner.AccessToken);

        Assert.Equal(ErrorCodes.PollNotCreator, notCreatorPut.ErrorCode);
        Assert.Equal(ErrorCodes.PollNotCreator, notCreatorDelete.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, notCreatorDelete.Status);
        Assert.Equal(later.ToUnixTimeSeconds(), extended.Data.GetProperty("deadline").GetDateTimeOffset().ToUnixTimeSeconds());

        Assert.True((await stack.Client.DeleteAsync($"/v1/polls/{pollId}", circle.Owner.AccessToken)).Success);
        Assert.Equal(ErrorCodes.PollNotFound, (await stack.Client.GetAsync($"/v1/polls/{pollId}", circle.Others[0].AccessToken)).ErrorCode);
    }

    [Fact]
    public async Task TheDeadlineCannotMoveOnceItPassed()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var pollId = await stack.NewPollAsync(circle);
        await stack.ExpireAsync(pollId);

        var call = await stack.Client.PutAsync($"/v1/polls/{pollId}", new { deadline = DateTimeOffset.UtcNow.AddHours(2) }, circle.Owner.AccessToken);

        Assert.Equal(ErrorCodes.PollExpired, call.ErrorCode);
    }

    [Fact]
    public async Task MyPollsListShowsMyCirclesPollsWithFiltersAndWhetherIVoted()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var other = await stack.Client.NewCircleAsync(size: 4);
        var open = await stack.NewPollAsync(circle);
        var closed = await stack.NewPollAsync(circle);
        await stack.NewPollAsync(other);
        await stack.Client.PostAsync($"/v1/polls/{open}/vote", new { optionId = await stack.OptionForAsync(open, circle.Owner) }, circle.Owner.AccessToken);
        await stack.ExpireAsync(closed);

        var all = await stack.Client.GetAsync("/v1/polls", circle.Owner.AccessToken);
        var active = await stack.Client.GetAsync($"/v1/polls?status=active&circleId={circle.Id}", circle.Owner.AccessToken);
        var closedOnly = await stack.Client.GetAsync("/v1/polls?status=closed", circle.Owner.AccessToken);
        var paged = await stack.Client.GetAsync("/v1/polls?limit=1", circle.Owner.AccessToken);

        Assert.Equal(new[] { closed, open }.Order(), all.Data.EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).Order());
        Assert.True(all.Data.EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == open).GetProperty("userVoted").GetBoolean());
        Assert.Equal([open], active.Data.EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        Assert.Equal([closed], closedOnly.Data.EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        Assert.Equal(1, paged.Data.GetArrayLength());
        Assert.True(paged.Meta.GetProperty("pagination").GetProperty("hasMore").GetBoolean());
        Assert.Equal(ErrorCodes.ValidationInvalidFormat, (await stack.Client.GetAsync("/v1/polls?status=someday", circle.Owner.AccessToken)).ErrorCode);
        Assert.Equal(ErrorCodes.ValidationInvalidFormat, (await stack.Client.GetAsync("/v1/polls?status=active,closed", circle.Owner.AccessToken)).ErrorCode);
        Assert.Equal(ErrorCodes.ValidationInvalidFormat, (await stack.Client.GetAsync("/v1/polls?status=1", circle.Owner.AccessToken)).ErrorCode);
        Assert.Equal(ErrorCodes.ValidationOutOfRange, (await stack.Client.GetAsync("/v1/polls?limit=500", circle.Owner.AccessToken)).ErrorCode);
    }
}
