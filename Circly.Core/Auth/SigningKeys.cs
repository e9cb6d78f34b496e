using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Circly.Core.Auth;

/// <summary>
/// The current RSA key (signs and validates) and, after a rotation, the previous one (validates
/// only). Each key's id (kid) is derived from its public key, so it needs no configuration.
/// </summary>
public sealed class SigningKeys
{
    public SigningKeys(IOptions<AuthOptions> options)
    {
        Current = Load(options.Value.SigningKeyPem);
        Previous = string.IsNullOrWhiteSpace(options.Value.PreviousSigningKeyPem) ? null : Load(options.Value.PreviousSigningKeyPem);
        Credentials = new SigningCredentials(Current, SecurityAlgorithms.RsaSha256);
    }

    public RsaSecurityKey Current { get; }

    public RsaSecurityKey? Previous { get; }

    public SigningCredentials Credentials { get; }

    public IEnumerable<SecurityKey> ValidationKeys => Previous is null ? [Current] : [Current, Previous];

    private static RsaSecurityKey Load(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem.Replace("\\n", "\n", StringComparison.Ordinal));
        if (rsa.KeySize < 2048)
        {
            throw new InvalidOperationException("The JWT signing key must be RSA with at least 2048 bits.");
        }
        var publicKey = rsa.ExportSubjectPublicKeyInfo();
        return new RsaSecurityKey(rsa) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(publicKey))[..16] };
    }
}
