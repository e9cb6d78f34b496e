using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Circly.Core.Polls;

/// <summary>
/// HMAC(secret, poll id ‖ user id): enough to refuse a second vote and to tell a user they voted;
/// without the secret it cannot be matched to a user, and it never says what they chose.
/// </summary>
public sealed class VoterHash(IOptions<VotingOptions> options)
{
    private readonly byte[] _secret = Encoding.UTF8.GetBytes(options.Value.HashSecret);

    public byte[] For(Guid pollId, Guid userId)
    {
        Span<byte> input = stackalloc byte[32];
        pollId.TryWriteBytes(input[..16]);
        userId.TryWriteBytes(input[16..]);
        return HMACSHA256.HashData(_secret, input);
    }
}
