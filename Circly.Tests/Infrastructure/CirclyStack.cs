using System.Security.Cryptography;
using Circly.AdminIssuer;
using Circly.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(CirclyStack))]

namespace Circly.Tests.Infrastructure;

/// <summary>
/// The real dependencies, started once for the whole run and shared by every test: one
/// PostgreSQL server, one Azurite, and the API under DevHost against a freshly migrated database.
/// Tests isolate themselves by creating their own data.
/// </summary>
public class CirclyStack : IAsyncLifetime
{
    public PostgresServer Postgres { get; protected set; } = null!;

    public AzuriteServer Azurite { get; protected set; } = null!;

    /// <summary>The shared database, as the app role (circly_app) the API under test runs as.</summary>
    public string DatabaseConnectionString { get; protected set; } = null!;

    public TestApp Api { get; protected set; } = null!;

    /// <summary>Where the shared API's push sender delivers (Expo itself cannot be reached from tests).</summary>
    public ExpoTestServer Expo { get; protected set; } = null!;

    public ApiClient Client => Api.Client;

    /// <summary>The Entra ID stand-in the shared API takes admin tokens from (Admin:Authority).</summary>
    public LocalEntraIssuer Entra { get; protected set; } = null!;

    /// <summary>Admin:Audience of the shared API.</summary>
    public const string AdminAudience = "api://circly-admin-test";

    public virtual async ValueTask InitializeAsync()
    {
        var postgres = PostgresServer.StartAsync();
        var azurite = AzuriteServer.StartAsync();
        Postgres = await postgres;
        Azurite = await azurite;
        DatabaseConnectionString = await Postgres.CreateDatabaseAsync();
        Expo = await ExpoTestServer.StartAsync();
        Entra = await LocalEntraIssuer.StartAsync(RSA.Create(2048));
        Api = await TestApp.StartAsync(Settings());
    }

    /// <summary>The PostgreSQL application name of the API under test's connections.</summary>
    public const string ApiApplicationName = "circly-api-under-test";

    /// <summary>The settings an API under test runs with; tests may start more apps with changes.</summary>
    public static Dictionary<string, string?> Settings(string database, string storage, string expoBaseUrl = UnreachableExpo) => new()
    {
        ["Expo:BaseUrl"] = expoBaseUrl,
        // The API under test runs as the app role; only its migrator acts as the owner.
        // Named, so that a test can tell the API's sessions from its own in pg_stat_activity.
        ["Database:ConnectionString"] = new Npgsql.NpgsqlConnectionStringBuilder(database) { ApplicationName = ApiApplicationName }.ConnectionString,
        ["Database:MigrationConnectionString"] = PostgresServer.AsOwner(database),
        ["Database:MigrateOnStartup"] = "true",
        ["AzureWebJobsStorage"] = storage,
        ["Auth:Issuer"] = TestSecrets.Issuer,
        ["Auth:Audience"] = TestSecrets.Audience,
        ["Auth:SigningKeyPem"] = TestSecrets.SigningKeyPem,
        ["Auth:DeviceIdPepper"] = TestSecrets.DeviceIdPepper,
        ["Voting:HashSecret"] = TestSecrets.VoteHashSecret,
        // Every test calls from 127.0.0.1: per-IP limits are lifted here and tested on their own app.
        ["RateLimit:IpPerMinute"] = "1000000",
        ["RateLimit:RegistrationsPerIpPerHour"] = "1000000",
        ["RateLimit:JoinAttemptsPerIpPerHour"] = "1000000",
        ["RateLimit:TransferAttemptsPerIpPerHour"] = "1000000",
        // Many tests start polls as one member; the creation limits are tested on their own app.
        ["Polls:MaxCreatedPerUserPerHour"] = "1000000",
        ["Polls:MaxCreatedPerCirclePerHour"] = "1000000",
        // Invite web links point here; the invite page itself is served by the API under test.
        ["App:PublicBaseUrl"] = "https://circly.test",
        ["App:IosStoreUrl"] = "https://apps.apple.com/app/circly-test",
        ["App:AndroidStoreUrl"] = "https://play.google.com/store/apps/details?id=app.circly.test",
        ["App:SafetyContact"] = "safety@circly.test",
        // Timers are run by the tests that need them, at the moment they need them.
        ["DevHost:RunTimers"] = "false",
        ["DevHost:MasterKey"] = TestSecrets.MasterKey,
        ["DevHost:FunctionKey"] = TestSecrets.FunctionKey,
        ["CLEANUP_SCHEDULE"] = "0 30 3 * * *",
        ["ANALYTICS_SCHEDULE"] = "0 15 0 * * *",
        ["OUTBOX_SWEEP_SCHEDULE"] = "30 * * * * *",
        ["CLOSE_POLLS_SCHEDULE"] = "0 * * * * *",
        ["DEADLINE_REMINDERS_SCHEDULE"] = "15 * * * * *",
        ["PUSH_RECEIPTS_SCHEDULE"] = "0 */5 * * * *",
        ["BACKLOG_METRICS_SCHEDULE"] = "45 * * * * *",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public Dictionary<string, string?> Settings()
    {
        var settings = Settings(DatabaseConnectionString, Azurite.ConnectionString, Expo.BaseAddress.ToString());
        settings["Admin:Authority"] = Entra.Authority;
        settings["Admin:Audience"] = AdminAudience;
        return settings;
    }

    /// <summary>A closed loopback port: an app that is not meant to push fails fast instead of reaching out.</summary>
    private const string UnreachableExpo = "http://127.0.0.1:9/";

    public virtual async ValueTask DisposeAsync()
    {
        if (Api is not null)
        {
            await Api.DisposeAsync();
        }
        if (Expo is not null)
        {
            await Expo.DisposeAsync();
        }
        if (Entra is not null)
        {
            await Entra.DisposeAsync();
        }
        if (Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }
}
