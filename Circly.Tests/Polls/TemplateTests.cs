using System.Net;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Circly.Tests.Polls;

public sealed class TemplateTests(CirclyStack stack)
{
    [Fact]
    public async Task TemplatesAreListedWithCategoryTextAndEmojiAndPaginated()
    {
        var user = await stack.Client.NewUserAsync();

        var call = await stack.Client.GetAsync("/v1/templates?limit=10&offset=5", user.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal(10, call.Data.GetArrayLength());
        var first = call.Data[0];
        Assert.False(string.IsNullOrEmpty(first.GetProperty("category").GetString()));
        Assert.False(string.IsNullOrEmpty(first.GetProperty("questionText").GetString()));
        Assert.False(string.IsNullOrEmpty(first.GetProperty("emoji").GetString()));
        var pagination = call.Meta.GetProperty("pagination");
        Assert.True(pagination.GetProperty("total").GetInt32() >= 60);
        Assert.True(pagination.GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task TemplatesCanBeFilteredByCategory()
    {
        var user = await stack.Client.NewUserAsync();

        var call = await stack.Client.GetAsync("/v1/templates?category=kindness&limit=100", user.AccessToken);

        Assert.NotEmpty(call.Data.EnumerateArray());
        Assert.All(call.Data.EnumerateArray(), t => Assert.Equal("kindness", t.GetProperty("category").GetString()));
    }

    [Fact]
    public async Task AnUnknownCategoryIsA400()
    {
        var user = await stack.Client.NewUserAsync();

        var call = await stack.Client.GetAsync("/v1/templates?category=looks", user.AccessToken);

        Assert.Equal(ErrorCodes.ValidationInvalidFormat, call.ErrorCode);
    }

    [Fact]
    public async Task OnlyActiveTemplatesAreListed()
    {
        var user = await stack.Client.NewUserAsync();
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var retired = await connection.ExecuteScalarAsync<Guid>(
            "INSERT INTO question_templates (category, question_text, emoji, is_active, usage_count) VALUES ('fun', @text, '🧪', false, 1000000) RETURNING id",
            new { text = $"Retired question {Guid.NewGuid():N}?" });

        var all = await stack.Client.GetAsync("/v1/templates?limit=100&category=fun", user.AccessToken);
        var popular = await stack.Client.GetAsync("/v1/templates/popular?limit=50", user.AccessToken);

        Assert.DoesNotContain(all.Data.EnumerateArray(), t => t.GetProperty("id").GetGuid() == retired);
        Assert.DoesNotContain(popular.Data.EnumerateArray(), t => t.GetProperty("id").GetGuid() == retired);
    }

    [Fact]
    public async Task PopularTemplatesComeMostUsedFirst()
    {
        var user = await stack.Client.NewUserAsync();

        var call = await stack.Client.GetAsync("/v1/templates/popular?limit=20", user.AccessToken);

        var uses = call.Data.EnumerateArray().Select(t => t.GetProperty("usageCount").GetInt32()).ToList();
        Assert.Equal(20, uses.Count);
        Assert.Equal(uses.OrderDescending(), uses);
    }

    [Fact]
    public async Task TemplatesNeedASignedInUser()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await stack.Client.GetAsync("/v1/templates")).Status);
    }
}
