using System.Net;
using System.Text.Json;
using Circly.Tests.Browser;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Circles;

/// <summary>The invite page, as a phone's browser and a chat's link preview see it (headless Chromium).</summary>
public sealed class InvitePageTests(CirclyStack stack)
{
    [Fact]
    public async Task AValidInviteShowsTheCircleItsSizeTheAppAndStoreLinksAndPreviewTagsButNoMembers()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 3, name: "Art & <Code> Club 🎨");

        var page = await RenderAsync($"/join/{circle.InviteCode.ToLowerInvariant()}");

        Assert.Equal(200, page.GetProperty("status").GetInt32());
        Assert.Equal("Join “Art & <Code> Club 🎨” on Circly", page.GetProperty("title").GetString());
        var text = page.GetProperty("text").GetString()!;
        Assert.Contains("Art & <Code> Club 🎨", text);
        Assert.Contains("3 members", text);
        Assert.Contains("Open in Circly", text);
        var html = page.GetProperty("html").GetString()!;
        Assert.All(circle.Members, member => Assert.DoesNotContain(member.Nickname, html));
        var links = page.GetProperty("links").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.Contains($"circly://join/{circle.InviteCode}", links);
        Assert.Contains("https://apps.apple.com/app/circly-test", links);
        Assert.Contains("https://play.google.com/store/apps/details?id=app.circly.test", links);
        var meta = page.GetProperty("meta");
        Assert.Equal("Join “Art & <Code> Club 🎨” on Circly", meta.GetProperty("og:title").GetString());
        Assert.Contains("3 members", meta.GetProperty("og:description").GetString());
        Assert.Equal($"https://circly.test/join/{circle.InviteCode}", meta.GetProperty("og:url").GetString());
        Assert.Equal("website", meta.GetProperty("og:type").GetString());
        Assert.Equal("summary", meta.GetProperty("twitter:card").GetString());
        Assert.Contains("noindex", meta.GetProperty("robots").GetString());
        Assert.Contains("width=device-width", meta.GetProperty("viewport").GetString());
        Assert.Equal("en", page.GetProperty("lang").GetString());
        Assert.True(page.GetProperty("scrollWidth").GetInt32() <= page.GetProperty("viewportWidth").GetInt32(), "the page scrolls sideways on a phone");
        Assert.Empty(page.GetProperty("consoleErrors").EnumerateArray());
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("regenerated")]
    [InlineData("deleted")]
    [InlineData("malformed")]
    public async Task AnInviteThatDoesNotWorkGetsAFriendly404Page(string why)
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2, name: "Secret garden");
        var code = circle.InviteCode;
        switch (why)
        {
            case "unknown":
                code = "ACDEFGHJ";
                break;
            case "regenerated":
                await stack.Client.PostAsync($"/v1/circles/{circle.Id}/regenerate-invite", null, circle.Owner.AccessToken);
                break;
            case "deleted":
                await stack.Client.DeleteAsync($"/v1/circles/{circle.Id}", circle.Owner.AccessToken);
                break;
            default:
                code = "<b>hi</b>";
                break;
        }

        var page = await RenderAsync($"/join/{Uri.EscapeDataString(code)}");

        Assert.Equal(404, page.GetProperty("status").GetInt32());
        var text = page.GetProperty("text").GetString()!;
        Assert.Contains("This invite doesn't work anymore", text);
        Assert.Contains("Ask the friend who sent it for a fresh invite", text);
        Assert.DoesNotContain("Secret garden", page.GetProperty("html").GetString());
        var links = page.GetProperty("links").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.Contains("https://apps.apple.com/app/circly-test", links);
        // Chromium reports the document's own 404 status on the console; nothing else may be there.
        Assert.All(page.GetProperty("consoleErrors").EnumerateArray(), error => Assert.Contains("status of 404", error.GetString()));
    }

    [Fact]
    public async Task ThePageIsSelfContainedHtmlWithAStrictContentSecurityPolicy()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1, name: "\"><script>alert(1)</script>");

        using var response = await stack.Client.Http.GetAsync($"/join/{circle.InviteCode}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("style-src 'unsafe-inline'", csp);
        Assert.DoesNotContain("script-src", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.Contains("X-Request-ID"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http://", html);
    }

    [Fact]
    public async Task AnExpiredInviteSaysSoInsteadOfOfferingAJoinThatFails()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1, name: "Old club");
        await using (var connection = new Npgsql.NpgsqlConnection(stack.DatabaseConnectionString))
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE circles SET expires_at = now() - interval '1 minute' WHERE id = @Id", new { circle.Id });
        }

        using var response = await stack.Client.Http.GetAsync($"/join/{circle.InviteCode}");

        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("This invite has expired", html);
        Assert.Contains("Old club", html);
        Assert.DoesNotContain("Open in Circly", html);
    }

    [Fact]
    public async Task AFullCircleSaysSoInsteadOfOfferingAJoinThatFails()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 2, name: "Full house", maxMembers: 2);

        var page = await RenderAsync($"/join/{circle.InviteCode}");

        Assert.Equal(200, page.GetProperty("status").GetInt32());
        var text = page.GetProperty("text").GetString()!;
        Assert.Contains("This circle is full", text);
        Assert.Contains("Full house", text);
        Assert.DoesNotContain("Open in Circly", text);
        var links = page.GetProperty("links").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.DoesNotContain($"circly://join/{circle.InviteCode}", links);
    }

    [Fact]
    public async Task EveryInvitePageShowsThePublishedSafetyContact()
    {
        var circle = await stack.Client.NewCircleAsync(await stack.Client.NewUserAsync(), memberCount: 1);

        var invite = await RenderAsync($"/join/{circle.InviteCode}");
        var missing = await RenderAsync("/join/ACDEFGHJ");

        Assert.All([invite, missing], page =>
            Assert.Contains("mailto:safety@circly.test", page.GetProperty("links").EnumerateArray().Select(l => l.GetString())));
    }

    /// <summary>Opens the page in headless Chromium (Circly.Tests/Browser/render-page.mjs) and returns what it saw.</summary>
    private Task<JsonElement> RenderAsync(string path) =>
        BrowserScript.RunAsync("render-page.mjs", [new Uri(stack.Api.BaseAddress, path).ToString()], TimeSpan.FromSeconds(90));
}
