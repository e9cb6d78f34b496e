using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Circly.Core.Auth;
using Circly.Core.Errors;
using Circly.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Circly.Tests.Identity;

public sealed class AccessTokenTests(CirclyStack stack)
{
    [Fact]
    public async Task AValidTokenOpensTheUsersOwnProfile()
    {
        var session = await stack.Client.NewUserAsync();

        var call = await stack.Client.GetAsync("/v1/users/me", session.AccessToken);

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal(session.UserId, call.Data.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task TheTokenHeaderNamesRs256TheKeyAndTheType()
    {
        var session = await stack.Client.NewUserAsync();

        var token = new JsonWebToken(session.AccessToken);

        Assert.Equal("RS256", token.Alg);
        Assert.Equal(AccessTokens.TokenType, token.Typ);
        Assert.False(string.IsNullOrEmpty(token.Kid));
        Assert.Equal(TestSecrets.Issuer, token.Issuer);
        Assert.Contains(TestSecrets.Audience, token.Audiences);
    }

    [Fact]
    public async Task NoTokenIsA401()
    {
        var call = await stack.Client.GetAsync("/v1/users/me");

        Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
        Assert.Equal(ErrorCodes.AuthInvalidToken, call.ErrorCode);
    }

    [Fact]
    public async Task AnExpiredTokenIsRefusedAsExpired()
    {
        var session = await stack.Client.NewUserAsync();
        var anHourAgo = new ManualClock(DateTimeOffset.UtcNow.AddHours(-1));
        var tokens = new AccessTokens(stack.Api.Get<SigningKeys>(), stack.Api.Get<IOptions<AuthOptions>>(), anHourAgo);

        var call = await stack.Client.GetAsync("/v1/users/me", tokens.Issue(session.UserId, deviceGeneration: 0).Token);

        Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
        Assert.Equal(ErrorCodes.AuthTokenExpired, call.ErrorCode);
    }

    [Fact]
    public async Task ATokenAcceptedBeforeIsRefusedOnceItExpires()
    {
        // Validated tokens are remembered until they expire: the lifetime is still checked on every use.
        var session = await stack.Client.NewUserAsync();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var options = stack.Api.Get<IOptions<AuthOptions>>();
        var tokens = new AccessTokens(stack.Api.Get<SigningKeys>(), options, clock);
        var (token, expiresAt) = tokens.Issue(session.UserId, deviceGeneration: 0);

        var before = await tokens.ValidateAsync(token);
        var again = await tokens.ValidateAsync(token);
        clock.Advance(expiresAt - clock.GetUtcNow() + options.Value.ClockSkew + TimeSpan.FromSeconds(1));
        var after = await Assert.ThrowsAsync<CirclyException>(() => tokens.ValidateAsync(token));

        Assert.Equal(session.UserId, before.UserId);
        Assert.Equal(before, again);
        Assert.Equal(ErrorCodes.AuthTokenExpired, after.Code);
    }

    [Fact]
    public async Task ATokenSignedByAnotherKeyIsRefused()
    {
        var session = await stack.Client.NewUserAsync();
        using var otherKey = RSA.Create(2048);

        var forged = Sign(session.UserId, new SigningCredentials(new RsaSecurityKey(otherKey) { KeyId = new JsonWebToken(session.AccessToken).Kid }, SecurityAlgorithms.RsaSha256));

        await AssertRefused(forged);
    }

    [Fact]
    public async Task AnUnsignedAlgNoneTokenIsRefused()
    {
        var session = await stack.Client.NewUserAsync();
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"at+jwt\"}");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode($"{{\"sub\":\"{session.UserId}\",\"iss\":\"{TestSecrets.Issuer}\",\"aud\":\"{TestSecrets.Audience}\",\"iat\":{now},\"nbf\":{now},\"exp\":{now + 600}}}");

        await AssertRefused($"{header}.{payload}.");
    }

    [Fact]
    public async Task AnHs256TokenSignedWithThePublicKeyIsRefused()
    {
        var session = await stack.Client.NewUserAsync();
        var publicKeyPem = Encoding.UTF8.GetBytes(TestSecrets.SigningKey.ExportSubjectPublicKeyInfoPem());

        var forged = Sign(session.UserId, new SigningCredentials(new SymmetricSecurityKey(publicKeyPem) { KeyId = new JsonWebToken(session.AccessToken).Kid }, SecurityAlgorithms.HmacSha256));

        await AssertRefused(forged);
    }

    [Fact]
    public async Task ATokenForAnotherAudienceIsRefused()
    {
        var session = await stack.Client.NewUserAsync();

        await AssertRefused(Sign(session.UserId, RealKey(), audience: "someone-else"));
    }

    [Fact]
    public async Task ATokenFromAnotherIssuerIsRefused()
    {
        var session = await stack.Client.NewUserAsync();

        await AssertRefused(Sign(session.UserId, RealKey(), issuer: "https://evil.example"));
    }

    [Fact]
    public async Task AnIdTokenTypeIsNotAnAccessToken()
    {
        var session = await stack.Client.NewUserAsync();

        await AssertRefused(Sign(session.UserId, RealKey(), type: "JWT"));
    }

    [Fact]
    public async Task AfterARotationThePreviousKeyStillValidatesButNoLongerSigns()
    {
        var session = await stack.Client.NewUserAsync();
        using var newKey = RSA.Create(2048);
        var settings = stack.Settings();
        settings["Auth:SigningKeyPem"] = newKey.ExportPkcs8PrivateKeyPem();
        settings["Auth:PreviousSigningKeyPem"] = TestSecrets.SigningKeyPem;
        await using var rotated = await TestApp.StartAsync(settings);

        var oldTokenStillWorks = await rotated.Client.GetAsync("/v1/users/me", session.AccessToken);
        var fresh = await rotated.Client.PostAsync("/v1/auth/device-login", session.Device.LoginBody());
        var freshToken = new JsonWebToken(fresh.Data.GetProperty("accessToken").GetString()!);

        Assert.Equal(HttpStatusCode.OK, oldTokenStillWorks.Status);
        Assert.NotEqual(new JsonWebToken(session.AccessToken).Kid, freshToken.Kid);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stack.Client.GetAsync("/v1/users/me", freshToken.EncodedToken)).Status);
    }

    private SigningCredentials RealKey() => stack.Api.Get<SigningKeys>().Credentials;

    private static string Sign(Guid userId, SigningCredentials credentials, string issuer = TestSecrets.Issuer, string audience = TestSecrets.Audience, string type = AccessTokens.TokenType)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId.ToString())]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            TokenType = type,
            SigningCredentials = credentials,
        });
    }

    private async Task AssertRefused(string token)
    {
        var call = await stack.Client.GetAsync("/v1/users/me", token);

        Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
        Assert.Equal(ErrorCodes.AuthInvalidToken, call.ErrorCode);
    }
}
