using System.Net;
using Circly.Core.Errors;
using Circly.Core.Notifications;
using Circly.Tests.Infrastructure;
using Circly.Tests.Polls;

namespace Circly.Tests.Safety;

/// <summary>If A blocks B: neither is an option in the other's new polls, A sees no polls by B and gets no notification caused by B; B is not told.</summary>
public sealed class BlockTests(CirclyStack stack)
{
    [Fact]
    public async Task ABlockTakesEffectInNewPollsBothWays()
    {
        var circle = await stack.Client.NewCircleAsync(size: 5);
        var (blocker, blocked) = (circle.Others[0], circle.Others[1]);
        var before = await stack.NewPollAsync(circle, blocked);

        var block = await stack.Client.PostAsync("/v1/blocks", new { circleId = circle.Id, memberId = blocked.MemberId }, blocker.AccessToken);
        Assert.Equal(HttpStatusCode.Created, block.Status);

        var byBlocker = await stack.Client.GetAsync($"/v1/polls/{await stack.NewPollAsync(circle, blocker)}", blocker.AccessToken);
        Assert.DoesNotContain(blocked.Nickname, OptionNicknames(byBlocker));
        var byBlocked = await stack.NewPollAsync(circle, blocked);
        var seenByOthers = await stack.Client.GetAsync($"/v1/polls/{byBlocked}", circle.Owner.AccessToken);
        Assert.DoesNotContain(blocker.Nickname, OptionNicknames(seenByOthers));
        Assert.Equal(4, seenByOthers.Data.GetProperty("totalParticipants").GetInt32());

        Assert.Equal(ErrorCodes.PollNotFound, (await stack.Client.GetAsync($"/v1/polls/{byBlocked}", blocker.AccessToken)).ErrorCode);
        Assert.Equal(ErrorCodes.PollNotFound, (await stack.Client.GetAsync($"/v1/polls/{before}", blocker.AccessToken)).ErrorCode);
        var listed = await stack.Client.GetAsync($"/v1/polls?circleId={circle.Id}", blocker.AccessToken);
        var ids = listed.Data.EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ToList();
        Assert.DoesNotContain(byBlocked, ids);
        Assert.DoesNotContain(before, ids);
        Assert.Contains(byBlocked, (await stack.Client.GetAsync($"/v1/polls?circleId={circle.Id}", circle.Owner.AccessToken)).Data.EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task TheBlockerGetsNoNotificationCausedByTheBlockedMember()
    {
        var circle = await stack.Client.NewCircleAsync(size: 5);
        var (blocker, blocked, bystander) = (circle.Others[0], circle.Others[1], circle.Others[2]);
        await stack.Client.PostAsync("/v1/blocks", new { circleId = circle.Id, memberId = blocked.MemberId }, blocker.AccessToken);

        var pollId = await stack.NewPollAsync(circle, blocked);

        // Waits on the inbox itself, not over HTTP: polling the API for up to a minute would pass the
        // per-user rate limit (100/min) when the fan-out is slow, and end in 429 instead of an answer.
        var inbox = stack.Api.Get<InboxService>();
        await Eventually.TrueAsync(async () => (await inbox.ListAsync(bystander.UserId, 50, null, CancellationToken.None)).Items.Any(n => n.PollId == pollId),
            TimeSpan.FromSeconds(60), "the bystander's notification");
        Assert.DoesNotContain(pollId, await InboxPollIdsAsync(blocker));
    }

    [Fact]
    public async Task BlocksAreListedAndLiftedAndTheBlockedMemberLearnsNothing()
    {
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var (blocker, blocked) = (circle.Others[0], circle.Others[1]);
        var blockedViewBefore = await stack.Client.GetAsync($"/v1/circles/{circle.Id}/members", blocked.AccessToken);

        var block = await stack.Client.PostAsync("/v1/blocks", new { circleId = circle.Id, memberId = blocked.MemberId }, blocker.AccessToken);
        var again = await stack.Client.PostAsync("/v1/blocks", new { circleId = circle.Id, memberId = blocked.MemberId }, blocker.AccessToken);
        var list = await stack.Client.GetAsync("/v1/blocks", blocker.AccessToken);

        var blockId = block.Data.GetProperty("id").GetGuid();
        Assert.Equal(blockId, again.Data.GetProperty("id").GetGuid());
        var listed = Assert.Single(list.Data.EnumerateArray());
        Assert.Equal(blocked.Nickname, listed.GetProperty("nickname").GetString());
        Assert.Equal(blocked.MemberId, listed.GetProperty("memberId").GetGuid());
        Assert.Equal(circle.Id, listed.GetProperty("circleId").GetGuid());
        Assert.DoesNotContain(blocked.UserId.ToString(), list.RawBody);
        Assert.Empty((await stack.Client.GetAsync("/v1/blocks", blocked.AccessToken)).Data.EnumerateArray());
        Assert.Equal(blockedViewBefore.Data.ToString(), (await stack.Client.GetAsync($"/v1/circles/{circle.Id}/members", blocked.AccessToken)).Data.ToString());

        Assert.Equal(HttpStatusCode.OK, (await stack.Client.DeleteAsync($"/v1/blocks/{blockId}", blocker.AccessToken)).Status);
        Assert.Empty((await stack.Client.GetAsync("/v1/blocks", blocker.AccessToken)).Data.EnumerateArray());
        var pollByBlocked = await stack.NewPollAsync(circle, blocked);
        Assert.Contains(blocker.Nickname, OptionNicknames(await stack.Client.GetAsync($"/v1/polls/{pollByBlocked}", blocker.AccessToken)));
        Assert.Equal(ErrorCodes.NotFound, (await stack.Client.DeleteAsync($"/v1/blocks/{blockId}", blocker.AccessToken)).ErrorCode);
    }

    [Fact]
    public async Task OnlyAMemberOfASharedCircleCanBeBlocked()
    {
        var circle = await stack.Client.NewCircleAsync(size: 2);
        var other = await stack.Client.NewCircleAsync(size: 2);

        var stranger = await stack.Client.PostAsync("/v1/blocks", new { circleId = other.Id, memberId = other.Others[0].MemberId }, circle.Others[0].AccessToken);
        var wrongCircle = await stack.Client.PostAsync("/v1/blocks", new { circleId = circle.Id, memberId = other.Others[0].MemberId }, circle.Others[0].AccessToken);
        var self = await stack.Client.PostAsync("/v1/blocks", new { circleId = circle.Id, memberId = circle.Others[0].MemberId }, circle.Others[0].AccessToken);
        var missing = await stack.Client.PostAsync("/v1/blocks", new { circleId = circle.Id }, circle.Others[0].AccessToken);

        Assert.All([stranger, wrongCircle, self], call => Assert.Equal(ErrorCodes.NotFound, call.ErrorCode));
        Assert.Equal(ErrorCodes.ValidationRequired, missing.ErrorCode);
    }

    [Fact]
    public async Task TheOptionRuleCountsAfterBlocks()
    {
        var circle = await stack.Client.NewCircleAsync(size: 3);
        await stack.Client.PostAsync("/v1/blocks", new { circleId = circle.Id, memberId = circle.Others[1].MemberId }, circle.Owner.AccessToken);

        var call = await stack.CreatePollAsync(circle, circle.Owner);

        Assert.Equal(ErrorCodes.PollTooFewMembers, call.ErrorCode);
    }

    private static List<string?> OptionNicknames(ApiCall poll) =>
        [.. poll.Data.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("memberNickname").GetString())];

    private async Task<List<Guid>> InboxPollIdsAsync(TestMember member)
    {
        var call = await stack.Client.GetAsync("/v1/notifications", member.AccessToken);
        return [.. call.Data.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("pollId").GetGuid())];
    }
}
