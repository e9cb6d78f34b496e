namespace Circly.Core.Polls;

/// <summary>Percentages, competition ranks (ties share a rank: 1, 1, 3) and the winner.</summary>
public static class ResultCalculator
{
    public sealed record Counted(Guid OptionId, string MemberNickname, int DisplayOrder, int VoteCount);

    public static (IReadOnlyList<PollResultOption> Results, PollWinner? Winner, bool IsTie, IReadOnlyList<PollWinner> TopOptions) Calculate(IReadOnlyList<Counted> options)
    {
        var total = options.Sum(o => o.VoteCount);
        var ordered = options.OrderByDescending(o => o.VoteCount).ThenBy(o => o.DisplayOrder).ToList();
        var results = new List<PollResultOption>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            var rank = i > 0 && ordered[i].VoteCount == ordered[i - 1].VoteCount ? results[i - 1].Rank : i + 1;
            results.Add(new PollResultOption(ordered[i].OptionId, ordered[i].MemberNickname, ordered[i].VoteCount, Percentage(ordered[i].VoteCount, total), rank));
        }
        if (total == 0)
        {
            return (results, null, false, []);
        }
        var top = results.Where(r => r.Rank == 1).Select(r => new PollWinner(r.OptionId, r.MemberNickname, r.VoteCount, r.Percentage)).ToList();
        return top.Count == 1 ? (results, top[0], false, top) : (results, null, true, top);
    }

    public static double Percentage(int votes, int total) => total == 0 ? 0 : Math.Round(100.0 * votes / total, 1, MidpointRounding.AwayFromZero);
}
