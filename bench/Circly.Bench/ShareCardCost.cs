using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Circly.Core;
using Circly.Core.Circles;
using Circly.Core.Database;
using Circly.Core.Polls;
using Circly.Core.Sharing;
using Circly.Core.Storage;
using Circly.Core.Templates;
using Circly.Core.Users;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Circly.Bench;

/// <summary>
/// What a share card costs: drawing and encoding one (against encoding the same size with no
/// text, measured in the same run), and the service's answer when it draws and when it finds
/// the stored card (PostgreSQL + Azurite, no HTTP).
/// </summary>
public static class ShareCardCost
{
    private static readonly string LongQuestion =
        "Who would you call first when everything goes wrong at two in the morning and you need someone calm, kind and funny too?";

    public static async Task<IReadOnlyList<string>> RunAsync(string postgres, string storage, int renders, int answers)
    {
        var rows = new List<string>();
        using var fonts = new CardFonts();
        var renderer = new CardRenderer(fonts);
        foreach (var format in new[] { ShareCardFormat.Story, ShareCardFormat.Link })
        {
            var samples = Samples(format);
            var card = Measure(renders, i => renderer.Render(samples[i % samples.Count]));
            var blank = Measure(renders, _ => renderer.RenderBackground(format));
            var bytes = samples.Average(s => renderer.Render(s).Length) / 1024;
            rows.Add(Row($"draw + encode a {ShareCardFormats.NameOf(format)} card ({samples.Count} texts in turn, {bytes:0} KB)", card.Wall, blank.Wall, card.CpuMs));
            rows.Add(Row($"encode the {ShareCardFormats.NameOf(format)} background alone (same size, no text)", blank.Wall, blank.Wall, blank.CpuMs));
        }

        await using var provider = Services(postgres, storage);
        // Migrated as the deployment does it: everything runs as circly_owner (the bench connects as postgres).
        await using (var owner = NpgsqlDataSource.Create(postgres))
        {
            await new SchemaMigrator(owner, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        }
        await provider.GetRequiredService<StorageClients>().Blobs.GetBlobContainerClient(StorageNames.ResultCardsContainer).CreateIfNotExistsAsync();
        var stars = await ClosedPollAsync(provider, postgres);
        var service = provider.GetRequiredService<ShareCardService>();
        var requests = stars.SelectMany(s => new[] { (s, "story"), (s, "link") }).ToList();
        var drawn = await MeasureAsync(requests.Count, i => service.CreateAsync(requests[i].Item1.UserId, requests[i].Item1.PollId, new ShareCardRequest(requests[i].Item2, false), CancellationToken.None));
        var cached = await MeasureAsync(answers, i => service.CreateAsync(requests[i % requests.Count].Item1.UserId, requests[i % requests.Count].Item1.PollId,
            new ShareCardRequest(requests[i % requests.Count].Item2, false), CancellationToken.None));
        rows.Add(Row($"service answer, card drawn and stored ({requests.Count} cards)", drawn, cached, null));
        rows.Add(Row($"service answer, stored card reused ({answers} requests)", cached, cached, null));
        return rows;
    }

    private static List<CardContent> Samples(ShareCardFormat format) =>
    [
        CardContent.For(format, 3, "Who has the best laugh?", "Sam", null, "circly.app/get"),
        CardContent.For(format, 12, LongQuestion, "Alexandra", "Class 7B's crew!", "circly.app/get"),
        CardContent.For(format, 2, "Who is the best listener?", "نور الهدى", "أصدقاء المدرسة", "circly.app/get"),
        CardContent.For(format, 5, "Who makes everyone feel included?", "Анастасия Ковальчук", null, "circly.app/get"),
        CardContent.For(format, 1, "Who has the best laugh? 😂", "Mia 🌻✨👩🏽‍🎤🇧🇷", null, "circly.app/get"),
    ];

    private static (Latencies Wall, double CpuMs) Measure(int count, Func<int, byte[]> render)
    {
        for (var i = 0; i < 10; i++)
        {
            render(i); // warm-up: fonts, shaper, JIT
        }
        var latencies = new Latencies();
        // CPU time of the process over the loop, per card: what a render costs when other work
        // on the machine makes the wall clock wait for a core (the machine is shared).
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            render(i);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        return (latencies, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / count);
    }

    private static async Task<Latencies> MeasureAsync(int count, Func<int, Task> call)
    {
        var latencies = new Latencies();
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            await call(i);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        return latencies;
    }

    private static string Row(string name, Latencies measured, Latencies baseline, double? cpuMs) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {measured.Count} | {Latencies.Ms(measured.Mean)} | {Latencies.Ms(measured.Percentile(50))} | {Latencies.Ms(measured.Percentile(95))} | {Latencies.Ms(measured.Percentile(99))} | {(cpuMs is { } cpu ? Latencies.Ms(cpu) : "—")} | {measured.Percentile(50) / baseline.Percentile(50):0.00} |");

    private static ServiceProvider Services(string postgres, string storage)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = postgres,
            ["AzureWebJobsStorage"] = storage,
            ["Voting:HashSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["RateLimit:ShareCardsPerUserPerHour"] = "1000000000",
            ["RateLimit:JoinAttemptsPerUserPerHour"] = "1000000000",
            ["RateLimit:JoinAttemptsPerIpPerHour"] = "1000000000",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddCirclyCore(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>A circle of 12, one poll, every member voting for the next one along; then the deadline passes.</summary>
    private static async Task<IReadOnlyList<(Guid UserId, Guid PollId)>> ClosedPollAsync(IServiceProvider provider, string postgres)
    {
        var users = provider.GetRequiredService<UserService>();
        var circles = provider.GetRequiredService<CircleService>();
        var polls = provider.GetRequiredService<PollService>();
        var members = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            members.Add(await users.RegisterAsync(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), "ios", null, null, null, CancellationToken.None)
                ?? throw new InvalidOperationException("Could not register a bench user."));
        }
        var circle = await circles.CreateAsync(members[0], new CreateCircleRequest("Bench circle", "Member 1", 20, null), CancellationToken.None);
        for (var i = 1; i < members.Count; i++)
        {
            await circles.JoinAsync(members[i], "127.0.0.1", new JoinCircleRequest(circle.InviteCode, null, $"Member {i + 1}"), CancellationToken.None);
        }
        var template = (await provider.GetRequiredService<TemplateService>().ListAsync(null, 1, 0, CancellationToken.None)).Items[0];
        var poll = await polls.CreateAsync(members[0], new CreatePollRequest(template.Id, circle.Id, DateTimeOffset.UtcNow.AddHours(1)), CancellationToken.None);
        var stars = new HashSet<Guid>();
        for (var i = 0; i < members.Count; i++)
        {
            var choice = poll.Options.Where(o => o.MemberNickname != $"Member {i + 1}").OrderBy(o => (o.MemberNickname.Length, o.MemberNickname)).ToList();
            var option = choice[i % choice.Count];
            await polls.VoteAsync(members[i], poll.Id, new VoteRequest(option.Id), CancellationToken.None);
            stars.Add(members[int.Parse(option.MemberNickname["Member ".Length..], CultureInfo.InvariantCulture) - 1]);
        }
        await using var connection = new NpgsqlConnection(postgres);
        await connection.ExecuteAsync("UPDATE polls SET created_at = now() - interval '3 hours', deadline = now() - interval '1 second' WHERE id = @Id", new { poll.Id });
        return [.. stars.Select(s => (s, poll.Id))];
    }
}
