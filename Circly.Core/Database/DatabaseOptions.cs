using System.ComponentModel.DataAnnotations;

namespace Circly.Core.Database;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Npgsql connection string. In Azure a Key Vault reference.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>Apply pending migrations when the app starts (behind a PostgreSQL advisory lock).</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
