using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Circly.AdminIssuer;

/// <summary>
/// A stand-in for Microsoft Entra ID on 127.0.0.1, for local use and tests only: it publishes
/// OpenID Connect metadata and a JWKS in Entra's v2.0 layout ({base}/{tenant}/v2.0/.well-known/
/// openid-configuration, {base}/{tenant}/discovery/v2.0/keys) and issues access tokens shaped like
/// Entra's (typ JWT, RS256, kid, iss, aud, oid, tid, name, preferred_username, roles), signed with
/// a local RSA key. The API validates them exactly as it validates Entra's: through the metadata.
/// </summary>
public sealed class LocalEntraIssuer : IAsyncDisposable
{
    public const string Tenant = "circly-local";

    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    private LocalEntraIssuer(WebApplication app, RsaSecurityKey key, Uri baseAddress)
    {
        _app = app;
        _key = key;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>What Admin__Authority is set to: {base}/{tenant}/v2.0.</summary>
    public string Authority => AuthorityFor(BaseAddress);

    /// <summary>How many times the metadata and the keys were fetched (tests check caching).</summary>
    public int MetadataRequests { get; private set; }

    public static string AuthorityFor(Uri baseAddress) => new Uri(baseAddress, $"/{Tenant}/v2.0").ToString();

    public static RsaSecurityKey KeyFrom(RSA rsa) =>
        new(rsa) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16] };

    /// <summary>Serves metadata and keys on 127.0.0.1:<paramref name="port"/> (0 = a free port).</summary>
    public static async Task<LocalEntraIssuer> StartAsync(RSA rsa, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var key = KeyFrom(rsa);
        LocalEntraIssuer? issuer = null;
        app.MapGet($"/{Tenant}/v2.0/.well-known/openid-configuration", (HttpContext context) =>
        {
            issuer!.MetadataRequests++;
            var authority = issuer.Authority;
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = authority,
                ["jwks_uri"] = new Uri(issuer.BaseAddress, $"/{Tenant}/discovery/v2.0/keys").ToString(),
                ["authorization_endpoint"] = authority + "/authorize",
                ["token_endpoint"] = authority + "/token",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                ["response_types_supported"] = new[] { "code" },
                ["subject_types_supported"] = new[] { "pairwise" },
            });
        });
        app.MapGet($"/{Tenant}/discovery/v2.0/keys", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", kid = jwk.Kid, n = jwk.N, e = jwk.E, alg = "RS256" } } });
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        issuer = new LocalEntraIssuer(app, key, address);
        return issuer;
    }

    /// <summary>An access token as Entra would issue it for this API's app registration.</summary>
    public string Issue(string audience, IEnumerable<string> roles, string name = "moderator@circly.local", TimeSpan? lifetime = null, string? objectId = null) =>
        IssueFor(Authority, _key, audience, roles, name, lifetime, objectId);

    /// <summary>The same, for an issuer that is not running in this process (the token command).</summary>
    public static string IssueFor(string authority, RsaSecurityKey key, string audience, IEnumerable<string> roles, string name, TimeSpan? lifetime, string? objectId)
    {
        var expires = DateTime.UtcNow + (lifetime ?? TimeSpan.FromHours(1));
        // An already expired token (for tests) was issued an hour before it expired.
        var now = lifetime < TimeSpan.Zero ? expires - TimeSpan.FromHours(1) : DateTime.UtcNow;
        var oid = objectId ?? Guid.NewGuid().ToString();
        var rolesArray = roles.ToArray();
        var claims = new Dictionary<string, object>
        {
            ["oid"] = oid,
            ["sub"] = oid,
            ["tid"] = Tenant,
            ["name"] = name,
            ["preferred_username"] = name,
            ["ver"] = "2.0",
        };
        if (rolesArray.Length > 0)
        {
            claims["roles"] = rolesArray;
        }
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = authority,
            Audience = audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            TokenType = "JWT",
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
