using Circly.Tests.Infrastructure;

namespace Circly.Tests.Operations;

/// <summary>
/// For the operations tests: a database and an Azurite of their own (so queue depths, poison
/// counts and the outbox lag are exactly what the test made), an API that consumes no queue
/// (RunQueues off: replayed messages stay where the test can count them) and the app's
/// telemetry caught in memory. One collection: the tests run one after another.
/// </summary>
public sealed class OperationsStack(CirclyStack shared) : CirclyStack
{
    public TelemetryCapture Telemetry { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        Postgres = shared.Postgres;
        Expo = shared.Expo;
        Entra = shared.Entra;
        var azurite = AzuriteServer.StartPrivateAsync();
        DatabaseConnectionString = await Postgres.CreateDatabaseAsync();
        Azurite = await azurite;
        var settings = Settings();
        settings["DevHost:RunQueues"] = "false";
        Api = await TestApp.StartAsync(settings, configureServices: Telemetry.AddTo);
        Telemetry.Attach(Api.Services);
    }

    /// <summary>Stops its API and its Azurite; PostgreSQL belongs to the shared stack.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (Api is not null)
        {
            await Api.DisposeAsync();
        }
        if (Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class OperationsCollection : ICollectionFixture<OperationsStack>
{
    public const string Name = "Operations: metrics and poison replay";
}
