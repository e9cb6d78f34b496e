using Azure.Core;
using Azure.Identity;
using Circly.Core.Database;
using Circly.Tests.Infrastructure;
using Dapper;

namespace Circly.Tests.Foundation;

/// <summary>How the app signs in to PostgreSQL: the connection string's credentials, or Entra ID tokens (Azure).</summary>
public sealed class PostgresDataSourceTests(CirclyStack stack)
{
    [Fact]
    public async Task WithEntraIdEveryNewConnectionSignsInWithATokenForAzurePostgres()
    {
        var credential = new RecordingCredential();
        var options = new DatabaseOptions { Authentication = DatabaseAuthentication.EntraId };
        await using var dataSource = PostgresDataSource.Create(stack.DatabaseConnectionString, options, credential);

        await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        var one = await connection.ExecuteScalarAsync<int>("SELECT 1");

        Assert.Equal(1, one);
        Assert.Equal(["https://ossrdbms-aad.database.windows.net/.default"], credential.Scopes.Distinct());
    }

    [Fact]
    public async Task WithPasswordAuthenticationNoTokenIsEverAskedFor()
    {
        var credential = new RecordingCredential();
        await using var dataSource = PostgresDataSource.Create(stack.DatabaseConnectionString, new DatabaseOptions(), credential);

        await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);

        Assert.Empty(credential.Scopes);
    }

    [Fact]
    public void TheFunctionAppUsesItsUserAssignedIdentityAndAnOperatorTheirOwnSignIn()
    {
        var app = PostgresDataSource.Credential(new DatabaseOptions { Authentication = DatabaseAuthentication.EntraId, EntraClientId = "00000000-0000-0000-0000-000000000001" });
        var operatorSignIn = PostgresDataSource.Credential(new DatabaseOptions { Authentication = DatabaseAuthentication.EntraId });

        Assert.IsType<ManagedIdentityCredential>(app);
        Assert.IsType<DefaultAzureCredential>(operatorSignIn);
    }

    /// <summary>Stands in for Entra ID: hands out a fixed token and remembers what it was asked for.</summary>
    private sealed class RecordingCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Scopes)
            {
                Scopes.AddRange(requestContext.Scopes);
            }
            return new AccessToken("entra-token-for-tests", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
