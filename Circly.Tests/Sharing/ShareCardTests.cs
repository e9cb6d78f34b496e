using System.Net;
using Circly.Core.Errors;
using Circly.Core.Sharing;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Sharing;

public sealed class ShareCardTests(CirclyStack stack)
{
    private static readonly CardRenderer Renderer = new(new CardFonts());

    [Theory]
    [InlineData("story", 1080, 1920)]
    [InlineData("link", 1200, 630)]
    public async Task AMemberWithVotesGetsAShortLivedLinkToAPngOfTheirOwnResult(string format, int width, int height)
    {
        var poll = await stack.ClosedPollAsync();

        var card = await stack.Client.ShareCardAsync(poll.PollId, poll.Star, new { format });

        Assert.Equal(HttpStatusCode.OK, card.Status);
        Assert.Equal(format, card.Data.Text("format"));
        Assert.Equal((width, height), (card.Data.GetProperty("width").GetInt32(), card.Data.GetProperty("height").GetInt32()));
        Assert.InRange(card.Data.GetProperty("expiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(16));
        Assert.False(card.Data.GetProperty("reused").GetBoolean());
        var png = await ShareWorld.DownloadAsync(card);
        Assert.Equal((width, height), PngFile.Size(png));
        Assert.All(PngFile.Chunks(png), chunk => Assert.Contains(chunk.Type, new[] { "IHDR", "IDAT", "IEND" }));
    }

    [Fact]
    public async Task TheCardShowsExactlyTheViewersCountQuestionAndNicknameAndNothingElse()
    {
        var poll = await stack.ClosedPollAsync();

        var card = await stack.Client.ShareCardAsync(poll.PollId, poll.Star, new { format = "link" });

        // Drawn from these texts alone: no other member's nickname or count, no circle name, no invite code.
        var expected = Renderer.Render(CardContent.For(ShareCardFormat.Link, 2, poll.Question, poll.Star.Nickname, circleName: null, "circly.app/get"));
        Assert.Equal(expected, await ShareWorld.DownloadAsync(card));
    }

    [Fact]
    public async Task TheCircleNameIsOnTheCardOnlyWhenTheViewerAsksForIt()
    {
        var poll = await stack.ClosedPollAsync();

        var without = await stack.Client.ShareCardAsync(poll.PollId, poll.Star, new { format = "link" });
        var with = await stack.Client.ShareCardAsync(poll.PollId, poll.Star, new { format = "link", showCircleName = true });

        var expected = Renderer.Render(CardContent.For(ShareCardFormat.Link, 2, poll.Question, poll.Star.Nickname, "Test circle", "circly.app/get"));
        Assert.Equal(expected, await ShareWorld.DownloadAsync(with));
        Assert.NotEqual(ShareWorld.BlobName(without), ShareWorld.BlobName(with));
    }

    [Fact]
    public async Task AskingAgainReusesTheStoredBlobWithoutDrawingItAgain()
    {
        var poll = await stack.ClosedPollAsync();
        var first = await stack.Client.ShareCardAsync(poll.PollId, poll.Star);
        var stored = await stack.Cards().GetBlobClient(ShareWorld.BlobName(first)).GetPropertiesAsync(cancellationToken: TestContext.Current.CancellationToken);

        var second = await stack.Client.ShareCardAsync(poll.PollId, poll.Star);

        Assert.False(first.Data.GetProperty("reused").GetBoolean());
        Assert.True(second.Data.GetProperty("reused").GetBoolean());
        Assert.Equal(ShareWorld.BlobName(first), ShareWorld.BlobName(second));
        var again = await stack.Cards().GetBlobClient(ShareWorld.BlobName(second)).GetPropertiesAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(stored.Value.ETag, again.Value.ETag);
        Assert.Empty(again.Value.Metadata);
    }

    [Fact]
    public async Task TheLinkOnlyReads()
    {
        var poll = await stack.ClosedPollAsync();
        var card = await stack.Client.ShareCardAsync(poll.PollId, poll.Star);
        using var http = new HttpClient();

        using var delete = await http.DeleteAsync(new Uri(card.Data.Text("url")), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.True((await stack.Cards().GetBlobClient(ShareWorld.BlobName(card)).ExistsAsync(TestContext.Current.CancellationToken)).Value);
    }

    [Fact]
    public async Task AnOpenPollHasNoCardYet()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 5);
        var created = await stack.Client.PostAsync("/v1/polls", new
        {
            templateId = await Polls.PollWorld.RandomTemplateAsync(stack), circleId = circle.Id, deadline = DateTimeOffset.UtcNow.AddHours(2),
        }, circle.Owner.AccessToken);

        var card = await stack.Client.ShareCardAsync(created.Data.GetProperty("id").GetGuid(), circle.Others[0]);

        Assert.Equal(HttpStatusCode.Conflict, card.Status);
        Assert.Equal(ErrorCodes.PollNotClosed, card.ErrorCode);
    }

    [Fact]
    public async Task AMemberWhoReceivedNoVotesHasNoCard()
    {
        var poll = await stack.ClosedPollAsync();

        var card = await stack.Client.ShareCardAsync(poll.PollId, poll.Nobody);

        Assert.Equal(HttpStatusCode.Conflict, card.Status);
        Assert.Equal(ErrorCodes.ShareCardNoVotes, card.ErrorCode);
    }

    [Fact]
    public async Task SomeoneOutsideTheCircleSeesNoPollAndAFormerMemberIsNotAMember()
    {
        var poll = await stack.ClosedPollAsync();
        var stranger = await stack.Client.NewUserAsync();
        await stack.Client.PostAsync($"/v1/circles/{poll.Circle.Id}/leave", null, poll.Star.AccessToken);

        var strangers = await stack.Client.PostAsync($"/v1/polls/{poll.PollId}/share-card", new { format = "story" }, stranger.AccessToken);
        var leavers = await stack.Client.ShareCardAsync(poll.PollId, poll.Star);

        Assert.Equal((HttpStatusCode.NotFound, ErrorCodes.PollNotFound), (strangers.Status, strangers.ErrorCode));
        Assert.Equal((HttpStatusCode.Forbidden, ErrorCodes.CircleNotMember), (leavers.Status, leavers.ErrorCode));
    }

    [Theory]
    [InlineData("{\"format\":\"square\"}", ErrorCodes.ValidationInvalidFormat)]
    [InlineData("{\"format\":\"\"}", ErrorCodes.ValidationRequired)]
    [InlineData("{}", ErrorCodes.ValidationRequired)]
    [InlineData("{\"format\":7}", ErrorCodes.ValidationInvalidFormat)]
    public async Task ABadFormatIsRejected(string body, string code)
    {
        var poll = await stack.ClosedPollAsync();

        var card = await stack.Client.SendRawAsync(HttpMethod.Post, $"/v1/polls/{poll.PollId}/share-card", body, poll.Star.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, card.Status);
        Assert.Equal(code, card.ErrorCode);
        Assert.Equal("format", card.Body.GetProperty("error").GetProperty("details").GetProperty("field").GetString());
    }

    [Fact]
    public async Task CardsAreLimitedPerUserPerHour()
    {
        var settings = stack.Settings();
        settings["RateLimit:ShareCardsPerUserPerHour"] = "2";
        await using var app = await TestApp.StartAsync(settings);
        var poll = await stack.ClosedPollAsync(app.Client);

        var calls = new List<ApiCall>();
        for (var i = 0; i < 3; i++)
        {
            calls.Add(await app.Client.ShareCardAsync(poll.PollId, poll.Star));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], calls.Select(c => c.Status));
        Assert.Equal(ErrorCodes.RateLimitExceeded, calls[2].ErrorCode);
        Assert.Equal("\"shareCard\";q=2;w=3600", calls[2].Header("RateLimit-Policy"));
    }

    [Fact]
    public async Task DeletingThePollDeletesItsCards()
    {
        var poll = await stack.ClosedPollAsync();
        var story = await stack.Client.ShareCardAsync(poll.PollId, poll.Star);
        var link = await stack.Client.ShareCardAsync(poll.PollId, poll.Star, new { format = "link" });

        Assert.Equal(HttpStatusCode.OK, (await stack.Client.DeleteAsync($"/v1/polls/{poll.PollId}", poll.Circle.Owner.AccessToken)).Status);

        foreach (var card in new[] { story, link })
        {
            Assert.False((await stack.Cards().GetBlobClient(ShareWorld.BlobName(card)).ExistsAsync(TestContext.Current.CancellationToken)).Value);
        }
        Assert.Equal(0, await RowsAsync(poll.PollId));
    }

    [Fact]
    public async Task DeletingTheAccountDeletesItsCards()
    {
        var poll = await stack.ClosedPollAsync();
        var card = await stack.Client.ShareCardAsync(poll.PollId, poll.Star);

        Assert.Equal(HttpStatusCode.OK, (await stack.Client.DeleteAsync("/v1/users/me", poll.Star.AccessToken)).Status);

        Assert.False((await stack.Cards().GetBlobClient(ShareWorld.BlobName(card)).ExistsAsync(TestContext.Current.CancellationToken)).Value);
        Assert.Equal(0, await RowsAsync(poll.PollId));
    }

    private async Task<int> RowsAsync(Guid pollId)
    {
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM share_cards WHERE poll_id = @pollId", new { pollId });
    }
}
