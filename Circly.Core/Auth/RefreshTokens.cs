using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Circly.Core.Auth;

/// <summary>Opaque refresh tokens: 256 random bits for the client, a SHA-256 hash in the database.</summary>
public static class RefreshTokens
{
    public static string New() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
}
