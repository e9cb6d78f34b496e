using System.ComponentModel.DataAnnotations;

namespace Circly.Core.Database;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>
    /// Npgsql connection string of the app's login, a member of circly_app: rows only, no DDL.
    /// In Azure it names the managed identity and holds no password (see <see cref="Authentication"/>).
    /// </summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Connection string of a login that may act as circly_owner, used only by the migrator.
    /// Set locally and in tests; empty in Azure, where migrations run from the deployment (docs/DEPLOY.md).
    /// </summary>
    public string MigrationConnectionString { get; set; } = "";

    /// <summary>Apply pending migrations (with <see cref="MigrationConnectionString"/>) when the app starts.</summary>
    public bool MigrateOnStartup { get; set; }

    /// <summary>How long the migrator waits for another migrator's lock before it gives up.</summary>
    public TimeSpan MigrationLockTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Password: whatever the connection string says (a password, or none where the server trusts). EntraId: Entra ID access tokens.</summary>
    public DatabaseAuthentication Authentication { get; set; } = DatabaseAuthentication.Password;

    /// <summary>With EntraId: the client id of the user-assigned managed identity; empty = DefaultAzureCredential (e.g. `az login`).</summary>
    public string EntraClientId { get; set; } = "";
}
