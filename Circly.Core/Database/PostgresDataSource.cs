using Azure.Core;
using Azure.Identity;
using Npgsql;

namespace Circly.Core.Database;

/// <summary>Builds the NpgsqlDataSources of the app and the migrator from <see cref="DatabaseOptions"/>.</summary>
public static class PostgresDataSource
{
    /// <summary>The token audience of Azure Database for PostgreSQL.</summary>
    public const string EntraScope = "https://ossrdbms-aad.database.windows.net/.default";

    // Tokens live about an hour and only matter when a connection opens: ask again well before that
    // (Azure.Identity answers from its cache until the token nears expiry), and soon after a failure.
    private static readonly TimeSpan TokenRefresh = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan TokenRetry = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A data source for <paramref name="connectionString"/>. With Entra ID authentication each new
    /// physical connection signs in with a current access token from <paramref name="credential"/>
    /// (default: <see cref="Credential"/>), never with a stored password.
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString, DatabaseOptions options, TokenCredential? credential = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (options.Authentication == DatabaseAuthentication.EntraId)
        {
            var tokens = credential ?? Credential(options);
            builder.UsePeriodicPasswordProvider(
                async (_, cancellationToken) => (await tokens.GetTokenAsync(new TokenRequestContext([EntraScope]), cancellationToken)).Token,
                TokenRefresh, TokenRetry);
        }
        return builder.Build();
    }

    /// <summary>The user-assigned managed identity when its client id is set (the Function App), else the developer or pipeline sign-in.</summary>
    public static TokenCredential Credential(DatabaseOptions options) =>
        string.IsNullOrWhiteSpace(options.EntraClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.EntraClientId));
}
