namespace Circly.Core.Database;

public enum DatabaseAuthentication
{
    /// <summary>The connection string's own credentials: a password, or none where the server trusts the client.</summary>
    Password,

    /// <summary>Microsoft Entra ID access tokens as passwords (Azure Database for PostgreSQL).</summary>
    EntraId,
}
