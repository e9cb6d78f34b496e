namespace Circly.Tests.Infrastructure;

/// <summary>
/// For tests that run a timer whose work is global (closing expired polls, deadline reminders,
/// cleanup): their own database and API on the shared servers, so that such a run never meets
/// another test's data, and one collection, so that they run one at a time among themselves.
/// </summary>
public sealed class GlobalTimersStack(CirclyStack shared) : CirclyStack
{
    public override async ValueTask InitializeAsync()
    {
        Postgres = shared.Postgres;
        Azurite = shared.Azurite;
        Expo = shared.Expo;
        Entra = shared.Entra;
        DatabaseConnectionString = await Postgres.CreateDatabaseAsync();
        Api = await TestApp.StartAsync(Settings());
    }

    /// <summary>Stops only its own API: the servers belong to the shared stack.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (Api is not null)
        {
            await Api.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GlobalTimers : ICollectionFixture<GlobalTimersStack>
{
    public const string Name = "Tests that run global timers";
}
