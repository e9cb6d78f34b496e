using System.Reflection;
using Circly.DevHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Circly.Tests.Infrastructure;

/// <summary>Circly.DevHost on Kestrel, on a free loopback port, with the given settings.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private TestApp(WebApplication app, Uri baseAddress, bool onlyTheApi)
    {
        App = app;
        BaseAddress = baseAddress;
        Client = new ApiClient(new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) }, checkAgainstDocument: onlyTheApi);
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public ApiClient Client { get; }

    public IServiceProvider Services => App.Services;

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<TestApp> StartAsync(IReadOnlyDictionary<string, string?> settings, IEnumerable<Assembly>? extraFunctions = null, Action<IServiceCollection>? configureServices = null)
    {
        var args = settings
            .Where(setting => setting.Value is not null)
            .Select(setting => $"--{setting.Key}={setting.Value}")
            .Append("--urls=http://127.0.0.1:0")
            .ToArray();
        var app = DevHostApp.Build(args, extraFunctions, configureServices);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // An app that refuses to start (tests check that it does) leaves nothing running.
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // Test-only functions (probes) are not the API: their answers are not checked against its document.
        return new TestApp(app, new Uri(address), onlyTheApi: extraFunctions is null);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
