using System.Net;
using System.Text.Json;
using Circly.Core.Storage;
using Circly.Tests.Browser;
using Circly.Tests.Infrastructure;
using Circly.Tests.Polls;

namespace Circly.Tests.Analytics;

/// <summary>The admin console at /console: its files and headers, and a walk through it in headless Chromium.</summary>
public sealed class ConsoleTests(CirclyStack stack)
{
    [Theory]
    [InlineData("/console", "text/html")]
    [InlineData("/console/", "text/html")]
    [InlineData("/console/index.html", "text/html")]
    [InlineData("/console/console.js", "text/javascript")]
    [InlineData("/console/console.css", "text/css")]
    public async Task TheConsolesFilesAreServedWithAPolicyThatAllowsNothingInline(string path, string contentType)
    {
        using var response = await stack.Client.Http.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", body.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownConsolePathIsANotFoundEnvelope()
    {
        var call = await stack.Client.GetAsync("/console/secrets.json");

        Assert.Equal(HttpStatusCode.NotFound, call.Status);
        Assert.Equal("NOT_FOUND", call.ErrorCode);
    }

    [Fact]
    public async Task AnAdminSignsInTriagesAReportEditsATemplateSeesBothAuditedAndTheChartsDrawnFromTheFigures()
    {
        // Figures of June 1999 belong to this test alone; a report and a template of its own.
        var seeded = new (int Dau, int Wau, int Mau)[] { (4, 10, 30), (9, 12, 31), (6, 15, 33), (12, 20, 40) };
        var first = new DateOnly(1999, 6, 1);
        await MetricsSeed.DaysAsync(stack.DatabaseConnectionString, first, seeded);
        var circle = await stack.Client.NewCircleAsync(size: 4);
        var reported = circle.Others[1];
        var report = await stack.Client.PostAsync("/v1/reports", new { targetType = "member", targetId = reported.MemberId, reason = "other" }, circle.Others[0].AccessToken);
        var reportId = report.Data.GetProperty("id").GetGuid();
        var admin = stack.AdminToken($"console-{Guid.NewGuid():N}@circly.test");
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var template = await stack.Client.PostAsync("/v1/admin/templates", new { category = "fun", questionText = $"Who laughs the loudest {suffix}?", emoji = "😂" }, admin);
        var templateId = template.Data.GetProperty("id").GetGuid();
        var newText = $"Who has the warmest laugh {suffix}?";

        var seen = await WalkAsync("/console/?from=1999-06-01&to=1999-06-04", admin, reportId, templateId, newText);

        Assert.True(seen.GetProperty("signedIn").GetBoolean());
        Assert.Empty(seen.GetProperty("consoleErrors").EnumerateArray());
        Assert.Empty(seen.GetProperty("unlabelled").EnumerateArray());
        var charts = seen.GetProperty("charts");
        var days = Enumerable.Range(0, seeded.Length).Select(i => first.AddDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Expected(days, ("dau", seeded.Select(s => (double)s.Dau)), ("wau", seeded.Select(s => (double)s.Wau)), ("mau", seeded.Select(s => (double)s.Mau))),
            Points(charts.GetProperty("chart-active-users")));
        Assert.Equal(Expected(days, ("created", seeded.Select(s => (double)s.Dau)), ("closed", seeded.Select(s => (double)s.Dau - 1))),
            Points(charts.GetProperty("chart-polls")));
        Assert.Equal(Expected(days, ("participation", seeded.Select(_ => 50.0))), Points(charts.GetProperty("chart-participation")));
        Assert.Equal(Expected(days, ("delivery", seeded.Select(_ => 80.0))), Points(charts.GetProperty("chart-push")));
        var queues = seen.GetProperty("queues").EnumerateArray().Select(q => (q.GetProperty("queue").GetString()!, q.GetProperty("kind").GetString()!)).ToList();
        Assert.Equal(StorageNames.Queues.Order().SelectMany(q => new[] { (q, "depth"), (q, "poison") }), queues);

        Assert.Contains("1 report(s) resolved", seen.GetProperty("reportStatus").GetString(), StringComparison.Ordinal);
        var after = await stack.Client.GetAsync($"/v1/admin/reports/{reportId}", admin);
        Assert.Equal("dismissed", after.Data.GetProperty("report").GetProperty("status").GetString());
        var templates = await stack.Client.GetAsync("/v1/admin/templates?limit=100", admin);
        Assert.Contains(templates.Data.EnumerateArray(), t => t.GetProperty("id").GetGuid() == templateId && t.GetProperty("questionText").GetString() == newText);
        var audit = seen.GetProperty("audit").EnumerateArray().Select(e => (e.GetProperty("action").GetString()!, e.GetProperty("target").GetString()!)).ToList();
        Assert.Contains(("report_dismiss", reported.MemberId.ToString()), audit);
        Assert.Contains(("edit_template", templateId.ToString()), audit);
        // Never a vote, a voter, a device or a token on any page it showed.
        var text = seen.GetProperty("bodyText").GetString()!;
        Assert.DoesNotContain(circle.Others[0].UserId.ToString(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(admin, text, StringComparison.Ordinal);
    }

    private static List<string> Expected(List<string> days, params (string Series, IEnumerable<double> Values)[] series) =>
        [.. series.SelectMany(s => s.Values.Select((v, i) => $"{s.Series} {days[i]} {v}"))];

    private static List<string> Points(JsonElement chart) =>
        [.. chart.EnumerateArray().Select(p => $"{p.GetProperty("series").GetString()} {p.GetProperty("day").GetString()} {p.GetProperty("value").GetDouble()}")];

    private Task<JsonElement> WalkAsync(string path, string token, Guid reportId, Guid templateId, string newText) =>
        BrowserScript.RunAsync("console-walkthrough.mjs",
            [new Uri(stack.Api.BaseAddress, path).ToString(), token, reportId.ToString(), templateId.ToString(), newText], TimeSpan.FromSeconds(120));
}
