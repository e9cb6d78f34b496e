using System.ComponentModel.DataAnnotations;
using Circly.Core.Configuration;

namespace Circly.Core.Polls;

public sealed class VotingOptions
{
    public const string Section = "Voting";

    /// <summary>
    /// HMAC key for participation hashes. Never rotate it while polls are open: the hashes of
    /// people who already voted would stop matching and they could vote again.
    /// </summary>
    [Required]
    [MinLength(32)]
    [ResolvedSecret]
    public string HashSecret { get; set; } = "";
}
