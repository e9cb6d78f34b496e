using System.Collections.Concurrent;
using System.Diagnostics;
using Circly.Core.Polls;
using Circly.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Circly.Tests.Polls;

/// <summary>
/// What a telemetry reader gets: every log line (at Trace, scopes included) and every trace span
/// (Activity: the host's requests, Npgsql's commands) the app produces while a member votes.
/// </summary>
public sealed class TelemetryTests(CirclyStack stack)
{
    [Fact]
    public async Task AVoteLeavesNeitherTheVoterNorTheChoiceInLogsOrTraces()
    {
        var logs = new CapturingLoggerProvider();
        var settings = stack.Settings();
        settings["Logging:LogLevel:Default"] = "Trace";
        await using var app = await TestApp.StartAsync(settings, configureServices: services => services.AddSingleton<ILoggerProvider>(logs));
        var circle = await app.Client.NewCircleAsync(await app.Client.NewUserAsync(), memberCount: 5);
        var templateId = await stack.RandomTemplateAsync();
        var created = await app.Client.PostAsync("/v1/polls", new { templateId, circleId = circle.Id, deadline = DateTimeOffset.UtcNow.AddHours(2) }, circle.Owner.AccessToken);
        var pollId = created.Data.GetProperty("id").GetGuid();
        var voter = circle.Others[1];
        var choice = created.Data.GetProperty("options").EnumerateArray().First(o => o.GetProperty("memberNickname").GetString() is "Member 5");
        var optionId = choice.GetProperty("id").GetGuid();
        var hash = Convert.ToHexString(app.Get<VoterHash>().For(pollId, voter.UserId));
        var spans = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => spans.Enqueue(string.Join(" ", activity.DisplayName, string.Join(" ", activity.TagObjects.Select(t => $"{t.Key}={t.Value}")),
                string.Join(" ", activity.Events.Select(e => e.Name)), string.Join(" ", activity.Baggage.Select(b => $"{b.Key}={b.Value}")))),
        };
        ActivitySource.AddActivityListener(listener);
        logs.Clear();

        var vote = await app.Client.PostAsync($"/v1/polls/{pollId}/vote", new { optionId }, voter.AccessToken);

        Assert.True(vote.Success, vote.RawBody);
        var written = logs.Lines.Concat(spans).ToList();
        Assert.NotEmpty(logs.Lines);
        Assert.Contains(written, line => line.Contains(pollId.ToString(), StringComparison.OrdinalIgnoreCase));
        foreach (var secret in new[] { optionId.ToString(), optionId.ToString("N"), voter.UserId.ToString(), voter.UserId.ToString("N"), voter.AccessToken, hash, "Member 5", voter.Nickname })
        {
            Assert.DoesNotContain(written, line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>Keeps every formatted log line, with its category, exception and the scopes it was written in.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private readonly ConcurrentQueue<string> _lines = new();
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public IReadOnlyList<string> Lines => [.. _lines];

        public void Clear() => _lines.Clear();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(string category, CapturingLoggerProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new List<string>();
                provider._scopes.ForEachScope((scope, list) => list.Add(scope is IEnumerable<KeyValuePair<string, object?>> pairs
                    ? string.Join(",", pairs.Select(p => $"{p.Key}={p.Value}")) : scope?.ToString() ?? ""), scopes);
                var fields = state is IEnumerable<KeyValuePair<string, object?>> values ? string.Join(",", values.Select(v => $"{v.Key}={v.Value}")) : "";
                provider._lines.Enqueue($"{category} {formatter(state, exception)} {fields} {exception} {string.Join(" ", scopes)}");
            }
        }
    }
}
