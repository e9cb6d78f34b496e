using System.Net;
using Circly.Core.Errors;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Circly.Core.Admin;

/// <summary>
/// Validates admin access tokens against the configured authority's OpenID Connect metadata and
/// JWKS (fetched over HTTP and cached; refreshed when a token names an unknown key): RS256, the
/// authority's issuer, this API's admin audience, header typ "JWT" (Entra access tokens), a
/// lifetime, and a "moderator" or "admin" app role. User tokens (Circly's issuer and audience,
/// typ "at+jwt") never pass here, and admin tokens never pass the user check (AccessTokens).
/// </summary>
public sealed class AdminTokens
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly AdminOptions _options;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _metadata;

    public AdminTokens(IOptions<AdminOptions> options, IOptions<Auth.AuthOptions> auth)
    {
        _options = options.Value;
        if (string.IsNullOrWhiteSpace(_options.Authority))
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(_options.Audience) || _options.Audience == auth.Value.Audience)
        {
            throw new InvalidOperationException("Admin__Audience must be set and differ from Auth__Audience: admin and user tokens must never be interchangeable.");
        }
        var authority = new Uri(_options.Authority.TrimEnd('/') + "/");
        // Plain HTTP only for a loopback authority (the local issuer tool, the tests' Entra stand-in).
        var loopback = authority.IsLoopback || (IPAddress.TryParse(authority.Host, out var ip) && IPAddress.IsLoopback(ip));
        _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(
            new Uri(authority, ".well-known/openid-configuration").ToString(),
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever { RequireHttps = !loopback });
    }

    public bool Enabled => _metadata is not null;

    /// <summary>The admin behind a valid token, or AUTH_INVALID_TOKEN / AUTH_TOKEN_EXPIRED; ADMIN_FORBIDDEN without an admin role.</summary>
    public async Task<AdminIdentity> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (_metadata is null)
        {
            throw Fail.With(ErrorCodes.AuthInvalidToken, "Admin sign-in is not configured on this server.");
        }
        // Fetched (or taken from the cache) first, so an unreachable authority is an outage (503),
        // not an invalid token: the HTTP layer sees the HttpRequestException inside.
        await _metadata.GetConfigurationAsync(cancellationToken);
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ConfigurationManager = _metadata,
            ValidateIssuer = true,
            ValidAudience = _options.Audience,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidTypes = ["JWT"],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = TimeSpan.FromMinutes(1),
            RoleClaimType = "roles",
        });
        cancellationToken.ThrowIfCancellationRequested();
        if (!result.IsValid)
        {
            throw result.Exception is SecurityTokenExpiredException
                ? Fail.With(ErrorCodes.AuthTokenExpired, "The admin token has expired. Sign in again.")
                : Fail.With(ErrorCodes.AuthInvalidToken, "The admin token is not valid.");
        }
        var identity = result.ClaimsIdentity;
        var roles = identity.FindAll("roles").Select(c => c.Value).Where(r => r is AdminRoles.Moderator or AdminRoles.Admin).ToHashSet(StringComparer.Ordinal);
        if (roles.Count == 0)
        {
            throw Fail.With(ErrorCodes.AdminForbidden, "This account has no Circly moderator or admin role.");
        }
        var subject = identity.FindFirst("oid")?.Value ?? identity.FindFirst("sub")?.Value
            ?? throw Fail.With(ErrorCodes.AuthInvalidToken, "The admin token names nobody.");
        var name = identity.FindFirst("preferred_username")?.Value ?? identity.FindFirst("name")?.Value ?? subject;
        return new AdminIdentity(subject, name, roles);
    }
}
