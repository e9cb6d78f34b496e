using System.ComponentModel.DataAnnotations;
using Circly.Core.Configuration;
using Npgsql;

namespace Circly.Core.Database;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>
    /// Npgsql connection string of the app's login, a member of circly_app: rows only, no DDL.
    /// In Azure it names the managed identity and holds no password (see <see cref="Authentication"/>).
    /// </summary>
    [Required]
    [ResolvedSecret]
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

    /// <summary>
    /// Connections one instance may hold (Npgsql's Maximum Pool Size, default 100). Every instance
    /// has its own pool, so instances x this must stay under the server's max_connections:
    /// infra/main.bicep derives it from both (docs/DEPLOY.md, "Connections"). Empty = the
    /// connection string's own value.
    /// </summary>
    [Range(1, 1000)]
    public int? MaxPoolSize { get; set; }

    /// <summary>
    /// TLS mode that overrides the connection string's. Azure: VerifyFull, so the server's
    /// certificate must chain to a trusted root (Azure's CAs are in the system store) and name
    /// the host; Require alone encrypts but accepts any server. Empty = the connection string's.
    /// </summary>
    public SslMode? SslMode { get; set; }

    /// <summary>The app's connection string as its data source uses it: <see cref="ConnectionString"/> with the pool size and TLS mode applied.</summary>
    public string EffectiveConnectionString()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        if (MaxPoolSize is { } maxPoolSize)
        {
            builder.MaxPoolSize = maxPoolSize;
            builder.MinPoolSize = Math.Min(builder.MinPoolSize, maxPoolSize);
        }
        if (SslMode is { } sslMode)
        {
            builder.SslMode = sslMode;
        }
        return builder.ConnectionString;
    }
}
