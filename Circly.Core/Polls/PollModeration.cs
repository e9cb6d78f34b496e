using Npgsql;

namespace Circly.Core.Polls;

/// <summary>A poll as a moderator sees it: the question, who started it, its options' nicknames. No counts, no votes.</summary>
public sealed class ModeratedPoll
{
    public Guid Id { get; init; }
    public Guid CircleId { get; init; }
    public Guid? CreatorId { get; init; }
    public string QuestionText { get; init; } = "";
    public DateTimeOffset Deadline { get; init; }
    public bool IsActive { get; init; }
    public bool IsClosed { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string[] OptionNicknames { get; init; } = [];
}

/// <summary>What the Reports, Admin and Notifications modules may ask of polls beyond what members do.</summary>
public sealed class PollModeration
{
    private readonly PollRepository _repository;
    private readonly IEnumerable<IPollDataCleaner> _cleaners;

    internal PollModeration(PollRepository repository, IEnumerable<IPollDataCleaner> cleaners)
    {
        _repository = repository;
        _cleaners = cleaners;
    }

    public Task<ModeratedPoll?> FindAsync(Guid pollId, CancellationToken cancellationToken) =>
        _repository.FindForModerationAsync(pollId, cancellationToken);

    /// <summary>Who started the poll (null once their account is gone or for no such poll): the cause of its notifications.</summary>
    public async Task<Guid?> CreatorOfAsync(Guid pollId, CancellationToken cancellationToken) =>
        (await _repository.FindForModerationAsync(pollId, cancellationToken))?.CreatorId;

    /// <summary>A moderator hides the poll from everyone, in the caller's transaction. False when it was hidden already or does not exist.</summary>
    public async Task<bool> HideAsync(Guid pollId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        await _repository.DeactivateAsync(pollId, connection, transaction, cancellationToken) == 1;

    /// <summary>After a hide has committed: other modules drop what they keep about the poll (share cards), as after a deletion.</summary>
    public async Task RemovePollDataAsync(Guid pollId, CancellationToken cancellationToken)
    {
        foreach (var cleaner in _cleaners)
        {
            await cleaner.RemovePollAsync(pollId, cancellationToken);
        }
    }
}
