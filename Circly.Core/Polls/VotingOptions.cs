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

    /// <summary>
    /// K: the counts members see move only once at least this many votes are not yet shown (and at
    /// close), so no single vote ever changes what another member can see. 2 is the least that
    /// hides one vote; 3 also keeps a voter from learning the one other vote of a step of two.
    /// </summary>
    [Range(2, 50)]
    public int VisibleStep { get; set; } = 3;
}
