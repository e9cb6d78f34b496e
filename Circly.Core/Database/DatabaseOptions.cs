using System.ComponentModel.DataAnnotations;
using Circly.Core.Configuration;
using Npgsql;

namespace Circly.Core.Database;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Npgsql connection string. In Azure a Key Vault reference.</summary>
    [Required]
    [ResolvedSecret]
    public string ConnectionString { get; set; } = "";

    /// <summary>Apply pending migrations when the app starts (behind a PostgreSQL advisory lock).</summary>
    public bool MigrateOnStartup { get; set; } = true;

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

    /// <summary>The connection string the data source uses: <see cref="ConnectionString"/> with the pool size and TLS mode applied.</summary>
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
