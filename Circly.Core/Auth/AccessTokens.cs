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

    /// <summary>
    /// The device generation of the account when the token was issued: a transfer to another
    /// device bumps it, and tokens of the old device stop authenticating. Absent (tokens issued
    /// before transfers existed) counts as 0, the generation of an account that never moved.
    /// </summary>
    public const string DeviceGenerationClaim = "dgen";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly AuthOptions _options = options.Value;
    private readonly ValidatedTokenCache _validated = new();

    public (string Token, DateTimeOffset ExpiresAt) Issue(Guid userId, int deviceGeneration)
    {
        var now = clock.GetUtcNow();
        var expires = now + _options.AccessTokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, userId.ToString())]),
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
                [DeviceGenerationClaim] = deviceGeneration,
            },
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            TokenType = TokenType,
            SigningCredentials = keys.Credentials,
        });
        return (token, expires);
    }

    /// <summary>Who a valid token was issued to, or AUTH_TOKEN_EXPIRED / AUTH_INVALID_TOKEN.</summary>
    public async Task<AccessTokenSubject> ValidateAsync(string token)
    {
        // A token validated before: only its lifetime can have changed, checked by the same rule.
        if (_validated.TryGet(token, out var known))
        {
            if (WithinLifetime(known.NotBefore, known.Expires, _options.ClockSkew))
            {
                return known.Subject;
            }
            _validated.Forget(token);
        }
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
                expires is { } exp && WithinLifetime(notBefore?.ToUniversalTime() ?? DateTime.MinValue, exp.ToUniversalTime(), parameters.ClockSkew),
        });
        if (!result.IsValid)
        {
            throw result.Exception is SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException
                ? Fail.With(ErrorCodes.AuthTokenExpired, "The access token has expired. Refresh it.")
                : Fail.With(ErrorCodes.AuthInvalidToken, "The access token is not valid.");
        }
        var identity = result.ClaimsIdentity;
        if (identity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value is not { } sub || !Guid.TryParse(sub, out var userId))
        {
            throw Fail.With(ErrorCodes.AuthInvalidToken, "The access token is not valid.");
        }
        var generation = identity.FindFirst(DeviceGenerationClaim)?.Value;
        var subject = generation is null
            ? new AccessTokenSubject(userId, 0)
            : int.TryParse(generation, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var dgen)
                ? new AccessTokenSubject(userId, dgen)
                : throw Fail.With(ErrorCodes.AuthInvalidToken, "The access token is not valid.");
        var jwt = (JsonWebToken)result.SecurityToken;
        _validated.Remember(token, new ValidatedTokenCache.Entry(subject, jwt.ValidFrom, jwt.ValidTo));
        return subject;
    }

    /// <summary>
    /// Not expired and already valid, allowing the clock skew either way. DateTime.MinValue as
    /// notBefore: the token has no nbf (JsonWebToken.ValidFrom reads a missing nbf the same way).
    /// </summary>
    private bool WithinLifetime(DateTime notBefore, DateTime expires, TimeSpan clockSkew)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return expires + clockSkew > now && (notBefore == DateTime.MinValue || notBefore - clockSkew <= now);
    }
}
