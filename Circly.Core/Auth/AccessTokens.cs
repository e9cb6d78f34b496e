using System.Security.Claims;
using Circly.Core.Errors;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Circly.Core.Auth;

/// <summary>Issues and validates access tokens: JWT, RS256 only, with kid, iss, aud and typ.</summary>
public sealed class AccessTokens(SigningKeys keys, IOptions<AuthOptions> options, TimeProvider clock)
{
    public const string TokenType = "at+jwt";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly AuthOptions _options = options.Value;

    public (string Token, DateTimeOffset ExpiresAt) Issue(Guid userId)
    {
        var now = clock.GetUtcNow();
        var expires = now + _options.AccessTokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, userId.ToString())]),
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N") },
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            TokenType = TokenType,
            SigningCredentials = keys.Credentials,
        });
        return (token, expires);
    }

    /// <summary>The user id in a valid token, or AUTH_TOKEN_EXPIRED / AUTH_INVALID_TOKEN.</summary>
    public async Task<Guid> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            IssuerSigningKeys = keys.ValidationKeys,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidTypes = [TokenType],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = _options.ClockSkew,
            LifetimeValidator = (notBefore, expires, _, parameters) =>
                expires is { } exp && exp.ToUniversalTime() + parameters.ClockSkew > clock.GetUtcNow().UtcDateTime
                && (notBefore is not { } nbf || nbf.ToUniversalTime() - parameters.ClockSkew <= clock.GetUtcNow().UtcDateTime),
        });
        if (!result.IsValid)
        {
            throw result.Exception is SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException
                ? Fail.With(ErrorCodes.AuthTokenExpired, "The access token has expired. Refresh it.")
                : Fail.With(ErrorCodes.AuthInvalidToken, "The access token is not valid.");
        }
        return result.ClaimsIdentity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value is { } sub && Guid.TryParse(sub, out var userId)
            ? userId
            : throw Fail.With(ErrorCodes.AuthInvalidToken, "The access token is not valid.");
    }
}
