namespace Circly.Core.Polls;

public sealed record CreatePollRequest(Guid? TemplateId, Guid? CircleId, DateTimeOffset? Deadline);

public sealed record UpdatePollRequest(DateTimeOffset? Deadline);

public sealed record VoteRequest(Guid? OptionId);

public enum PollStatusFilter
{
    All,
    Active,
    Closed,
}

/// <summary>An option: a member's nickname as it was when the poll opened. VoteCount only when results are visible.</summary>
public sealed record PollOptionView(Guid Id, string MemberNickname, int DisplayOrder, int? VoteCount);

/// <summary>
/// The seed's Poll. totalParticipants is the number of members who could vote (everyone in the
/// circle when the poll opened, all of them options); totalVotes how many votes are shown: while
/// open, the last step of Voting:VisibleStep votes, at close all. No user ids of others.
/// </summary>
public sealed record PollView(
    Guid Id,
    Guid CircleId,
    Guid TemplateId,
    string QuestionText,
    DateTimeOffset Deadline,
    bool IsAnonymous,
    bool IsActive,
    bool IsClosed,
    int TotalVotes,
    int TotalParticipants,
    bool UserVoted,
    bool IsCreator,
    bool ResultsVisible,
    IReadOnlyList<PollOptionView> Options,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt);

public sealed record PollSummary(
    Guid Id,
    Guid CircleId,
    string QuestionText,
    DateTimeOffset Deadline,
    bool IsClosed,
    int TotalVotes,
    int TotalParticipants,
    bool UserVoted,
    bool IsCreator,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt);

public sealed record PollPage(IReadOnlyList<PollSummary> Items, int Total, int Limit, int Offset);

/// <summary>TotalVotes is the shown total (this vote may not be in it yet); IsClosed is always false: no vote closes a poll.</summary>
public sealed record VoteReceipt(Guid PollId, bool Voted, int TotalVotes, bool IsClosed);

public sealed record PollResultOption(Guid OptionId, string MemberNickname, int VoteCount, double Percentage, int Rank);

public sealed record PollWinner(Guid OptionId, string MemberNickname, int VoteCount, double Percentage);

/// <summary>
/// Results of a poll. Before the caller voted (and while the poll is open) ResultsVisible is
/// false and no counts are given. Winner is the single top option; on a tie for first place
/// Winner is null, IsTie is true and TopOptions lists everyone sharing rank 1.
/// </summary>
public sealed record PollResults(
    Guid PollId,
    string QuestionText,
    int TotalVotes,
    int TotalParticipants,
    bool IsClosed,
    bool ResultsVisible,
    IReadOnlyList<PollResultOption> Results,
    PollWinner? Winner,
    bool IsTie,
    IReadOnlyList<PollWinner> TopOptions);

/// <summary>
/// The caller's own result in a poll (for share cards): VoteCount only once the poll is closed,
/// Nickname (as the poll shows it) only when the caller is one of its options.
/// </summary>
public sealed record OwnPollResult(Guid PollId, Guid CircleId, string QuestionText, bool IsClosed, string? Nickname, int? VoteCount);
