namespace Circly.Core.Database;

/// <summary>
/// The two database roles (created per server by Database/Roles/create-roles.sql, granted per
/// database by migration 0007), and the setup scripts an administrator runs for them.
/// </summary>
public static class DatabaseRoles
{
    /// <summary>Owns the schema; the migrator acts as it.</summary>
    public const string Owner = "circly_owner";

    /// <summary>Reads and writes rows; the app's login is it or a member of it.</summary>
    public const string App = "circly_app";

    /// <summary>Creates both roles if missing. Once per server, by an administrator; safe to repeat and to run concurrently.</summary>
    public static string CreateRolesSql => Resource("create-roles.sql");

    /// <summary>Hands the current database and its existing objects to <see cref="Owner"/>. Once per database that predates the roles.</summary>
    public static string AdoptDatabaseSql => Resource("adopt-database.sql");

    private static string Resource(string file)
    {
        using var stream = typeof(DatabaseRoles).Assembly.GetManifestResourceStream($"Circly.Roles.{file}")
            ?? throw new InvalidOperationException($"Embedded resource Circly.Roles.{file} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
