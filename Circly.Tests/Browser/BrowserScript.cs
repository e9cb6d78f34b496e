using System.Text.Json;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Browser;

/// <summary>
/// Runs one of this folder's headless-Chromium scripts: the script takes a screenshot path as its
/// last argument and prints what it saw as JSON. The screenshot proves the page was drawn, and is
/// deleted afterwards unless CIRCLY_KEEP_SCREENSHOTS is set.
/// </summary>
public static class BrowserScript
{
    public static async Task<JsonElement> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var screenshot = Path.Combine(Path.GetTempPath(), $"circly-{Path.GetFileNameWithoutExtension(script)}-{Guid.NewGuid():N}.png");
        var output = await ProcessRunner.RunForOutputAsync("node",
            [Path.Combine(RepoPaths.Root, "Circly.Tests", "Browser", script), .. arguments, screenshot], timeout);
        try
        {
            Assert.True(new FileInfo(screenshot).Length > 1000, "no screenshot");
            return JsonDocument.Parse(output).RootElement.Clone();
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("CIRCLY_KEEP_SCREENSHOTS") is not { Length: > 0 })
            {
                File.Delete(screenshot);
            }
        }
    }
}
