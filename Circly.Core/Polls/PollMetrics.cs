using System.Diagnostics.Metrics;
using Circly.Core.Telemetry;

namespace Circly.Core.Polls;

/// <summary>
/// Polls created and votes cast (meter Circly.Polls), for the per-minute rates of the workbook.
/// No dimension at all: not the poll, circle or option, so a count can never be tied to a
/// voter or a choice (docs/ANONYMITY.md); exported as one-minute sums across all polls.
/// </summary>
public sealed class PollMetrics
{
    public const string PollsCreated = "circly.polls.created";
    public const string VotesCast = "circly.votes.cast";

    private readonly Counter<long> _pollsCreated;
    private readonly Counter<long> _votesCast;

    public PollMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(CirclyMeters.Polls);
        _pollsCreated = meter.CreateCounter<long>(PollsCreated, "{poll}", "Polls created.");
        _votesCast = meter.CreateCounter<long>(VotesCast, "{vote}", "Votes accepted.");
    }

    public void PollCreated() => _pollsCreated.Add(1);

    public void VoteCast() => _votesCast.Add(1);
}
