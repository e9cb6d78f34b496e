using System.Net;
using System.Text.Json;
using Azure.Storage.Blobs;
using Circly.Core.Storage;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Sharing;

/// <summary>A closed poll in which one member (Star) received two votes and another (Nobody) none.</summary>
public sealed record SharedPoll(TestCircle Circle, Guid PollId, TestMember Star, TestMember Nobody, string Question);

public static class ShareWorld
{
    /// <summary>
    /// A circle of five, a poll, two votes for Star (from the owner and one other member), then
    /// the deadline passes. Five members leave at least four options under any options rule.
    /// </summary>
    public static async Task<SharedPoll> ClosedPollAsync(this CirclyStack stack, ApiClient? client = null, string? database = null)
    {
        client ??= stack.Client;
        await using var connection = new NpgsqlConnection(database ?? stack.DatabaseConnectionString);
        var circle = await client.NewCircleAsync(await client.NewUserAsync(), memberCount: 5);
        var call = await client.PostAsync("/v1/polls", new
        {
            templateId = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM question_templates WHERE is_active ORDER BY random() LIMIT 1"),
            circleId = circle.Id,
            deadline = DateTimeOffset.UtcNow + TimeSpan.FromHours(2),
        }, circle.Owner.AccessToken);
        Assert.Equal(HttpStatusCode.Created, call.Status);
        var pollId = call.Data.GetProperty("id").GetGuid();
        var star = circle.Others[0];
        var options = call.Data.GetProperty("options").EnumerateArray().ToList();
        var starOption = options.Single(o => o.GetProperty("memberNickname").GetString() == star.Nickname).GetProperty("id").GetGuid();
        foreach (var voter in new[] { circle.Owner, circle.Others[1] })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId = starOption }, voter.AccessToken)).Status);
        }
        await connection.ExecuteAsync("UPDATE polls SET created_at = now() - interval '3 hours', deadline = now() - interval '1 second' WHERE id = @pollId", new { pollId });
        return new SharedPoll(circle, pollId, star, circle.Others[2], call.Data.GetProperty("questionText").GetString()!);
    }

    public static Task<ApiCall> ShareCardAsync(this ApiClient client, Guid pollId, TestMember member, object? body = null) =>
        client.PostAsync($"/v1/polls/{pollId}/share-card", body ?? new { format = "story" }, member.AccessToken);

    public static BlobContainerClient Cards(this CirclyStack stack) =>
        new BlobServiceClient(stack.Azurite.ConnectionString).GetBlobContainerClient(StorageNames.ResultCardsContainer);

    /// <summary>The blob a card URL points at (its last path segment).</summary>
    public static string BlobName(ApiCall card) => new Uri(card.Data.GetProperty("url").GetString()!).Segments[^1];

    public static async Task<byte[]> DownloadAsync(ApiCall card)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(card.Data.GetProperty("url").GetString()!));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    public static string Text(this JsonElement element, string name) => element.GetProperty(name).GetString()!;
}
