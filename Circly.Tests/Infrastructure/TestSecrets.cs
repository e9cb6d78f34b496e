using System.Security.Cryptography;

namespace Circly.Tests.Infrastructure;

/// <summary>Keys and secrets made fresh for each test run.</summary>
public static class TestSecrets
{
    public const string Issuer = "https://circly.test";
    public const string Audience = "circly-app";

    public static readonly RSA SigningKey = RSA.Create(2048);

    public static readonly string SigningKeyPem = SigningKey.ExportPkcs8PrivateKeyPem();

    public static readonly string DeviceIdPepper = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    public static readonly string VoteHashSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    /// <summary>The host's master key, which DevHost's admin API demands as the host does.</summary>
    public static readonly string MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>A function key, which functions of AuthorizationLevel.Function demand (DevHost as the host).</summary>
    public static readonly string FunctionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
