using Circly.Core.Maintenance;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Sharing;

/// <summary>The cleanup sweep runs over every card, so this test has a database and an app of its own.</summary>
public sealed class ShareCardRetentionTests(CirclyStack stack)
{
    [Fact]
    public async Task TheCleanupTimerDeletesCardsPastRetentionAndCardsOfDeletedPollsAndKeepsTheRest()
    {
        var database = await stack.Postgres.CreateDatabaseAsync();
        var settings = CirclyStack.Settings(database, stack.Azurite.ConnectionString);
        await using var app = await TestApp.StartAsync(settings);
        var old = await stack.ClosedPollAsync(app.Client, database);
        var fresh = await stack.ClosedPollAsync(app.Client, database);
        var oldCard = await app.Client.ShareCardAsync(old.PollId, old.Star);
        var freshCard = await app.Client.ShareCardAsync(fresh.PollId, fresh.Star);
        await using var connection = new NpgsqlConnection(database);
        await connection.ExecuteAsync("UPDATE share_cards SET created_at = now() - interval '8 days' WHERE poll_id = @PollId", new { old.PollId });

        var report = await app.Get<CleanupService>().RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, report.ShareCards);
        Assert.False((await stack.Cards().GetBlobClient(ShareWorld.BlobName(oldCard)).ExistsAsync(TestContext.Current.CancellationToken)).Value);
        Assert.True((await stack.Cards().GetBlobClient(ShareWorld.BlobName(freshCard)).ExistsAsync(TestContext.Current.CancellationToken)).Value);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM share_cards"));
    }

    [Fact]
    public async Task TheCleanupTimerDeletesTheCardsOfACircleThatWasDeleted()
    {
        var database = await stack.Postgres.CreateDatabaseAsync();
        await using var app = await TestApp.StartAsync(CirclyStack.Settings(database, stack.Azurite.ConnectionString));
        var poll = await stack.ClosedPollAsync(app.Client, database);
        var card = await app.Client.ShareCardAsync(poll.PollId, poll.Star);
        await app.Client.DeleteAsync($"/v1/circles/{poll.Circle.Id}", poll.Circle.Owner.AccessToken);

        var report = await app.Get<CleanupService>().RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, report.ShareCards);
        Assert.False((await stack.Cards().GetBlobClient(ShareWorld.BlobName(card)).ExistsAsync(TestContext.Current.CancellationToken)).Value);
    }
}
