namespace Circly.Core.Polls;

/// <summary>
/// Who a poll offers. Every active member is an option, the creator included, so nobody is
/// identifiable as "the one missing"; nobody may vote for themselves; and a poll needs at least
/// <see cref="MinimumOptions"/> options, so every voter has at least three friends to choose from
/// and no vote is forced. (Exclusions such as blocks belong here too, before the minimum is checked.)
/// </summary>
internal static class PollOptionRule
{
    public const int MinimumOptions = 4;

    public const string TooFewMessage = "A poll needs at least four members in the circle, so everyone has at least three friends to choose from.";

    /// <summary>The members to offer, or null when there are too few for the rule.</summary>
    public static IReadOnlyList<T>? Choose<T>(IReadOnlyList<T> activeMembers) =>
        activeMembers.Count >= MinimumOptions ? activeMembers : null;
}
