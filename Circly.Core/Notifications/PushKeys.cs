using System.Security.Cryptography;
using System.Text;
using Circly.Core.Auth;
using Microsoft.Extensions.Options;

namespace Circly.Core.Notifications;

/// <summary>
/// Keyed hashes for what the push pipeline keeps in push_claims: a device's claim key and the
/// owner key of a user's claims and tickets. Without the key (derived from the device-id pepper,
/// which lives in Key Vault, never in the database) a database reader cannot tell whose they are;
/// with it, account deletion finds and removes a user's rows.
/// </summary>
internal sealed class PushKeys(IOptions<AuthOptions> auth)
{
    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(auth.Value.DeviceIdPepper), 32,
        info: Encoding.UTF8.GetBytes("circly push-ticket keys"));

    /// <summary>The device key of a claim: the same token gives the same key, and the key does not give the token back.</summary>
    public string OfToken(string token) => Hash("token:" + token);

    /// <summary>Marks every claim and ticket of one user, so that deleting the account can remove them.</summary>
    public string OfOwner(Guid userId) => Hash("owner:" + userId.ToString("N"));

    private string Hash(string value) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value)).AsSpan(0, 16));
}
