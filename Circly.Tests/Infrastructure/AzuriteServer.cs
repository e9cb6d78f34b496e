using System.Diagnostics;

namespace Circly.Tests.Infrastructure;

/// <summary>
/// A real Azurite (Blob, Queue, Table) for the test run: CIRCLY_TEST_STORAGE (a connection string)
/// when set, else started from node_modules on free ports and stopped at the end.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process? _process;
    private readonly string? _dataDir;

    private AzuriteServer(string connectionString, Process? process, string? dataDir)
    {
        ConnectionString = connectionString;
        _process = process;
        _dataDir = dataDir;
    }

    public string ConnectionString { get; }

    public static async Task<AzuriteServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("CIRCLY_TEST_STORAGE") is { Length: > 0 } external)
        {
            return new AzuriteServer(external, null, null);
        }
        return await StartPrivateAsync();
    }

    /// <summary>
    /// An Azurite of its own, whatever CIRCLY_TEST_STORAGE says: for tests whose queue consumers
    /// and poison messages must not meet the shared stack's (the push pipeline's).
    /// </summary>
    public static async Task<AzuriteServer> StartPrivateAsync()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"circly-test-azurite-{Guid.NewGuid():N}");
        int blob = FreePort.Next(), queue = FreePort.Next(), table = FreePort.Next();
        var process = ProcessRunner.Start("bash", [RepoPaths.Script("azurite.sh"), dataDir, blob.ToString(), queue.ToString(), table.ToString()]);
        await Eventually.TrueAsync(() => FreePort.IsListening(blob) && FreePort.IsListening(queue) && FreePort.IsListening(table), TimeSpan.FromSeconds(60), "Azurite to listen");
        return new AzuriteServer(ConnectionStringFor(blob, queue, table), process, dataDir);
    }

    public static string ConnectionStringFor(int blob, int queue, int table) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1";

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
            Directory.Delete(_dataDir!, recursive: true);
        }
    }
}
