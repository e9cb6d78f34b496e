using System.Security.Cryptography;
using Circly.Core.Circles;
using Circly.Core.Errors;
using Circly.Core.Outbox;
using Circly.Core.RateLimiting;
using Circly.Core.Templates;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Circly.Core.Polls;

/// <summary>
/// The Poll module: polls from templates, anonymous votes, results, closing. Members of the
/// poll's circle see it; someone who never was a member gets POLL_NOT_FOUND whether or not it
/// exists; a member who left gets CIRCLE_NOT_MEMBER.
/// </summary>
public sealed class PollService
{
    private static readonly byte[] NoVoter = new byte[32];

    /// <summary>Events a timer run hands to the queue itself; the rest wait for the outbox sweep.</summary>
    private const int ImmediateDispatchLimit = 100;

    private readonly PollRepository _repository;
    private readonly NpgsqlDataSource _dataSource;
    private readonly CircleService _circles;
    private readonly BlockService _blocks;
    private readonly CircleModeration _moderation;
    private readonly RateLimiter _rateLimiter;
    private readonly RateLimitPolicy _perUser;
    private readonly RateLimitPolicy _perCircle;
    private readonly TemplateService _templates;
    private readonly VoterHash _voterHash;
    private readonly OutboxDispatcher _outbox;
    private readonly PollOptions _options;
    private readonly int _visibleStep;
    private readonly TimeProvider _clock;
    private readonly IEnumerable<IPollDataCleaner> _cleaners;

    internal PollService(PollRepository repository, NpgsqlDataSource dataSource, CircleService circles, BlockService blocks, CircleModeration moderation,
        TemplateService templates, VoterHash voterHash, OutboxDispatcher outbox, RateLimiter rateLimiter, IOptions<PollOptions> options,
        IOptions<VotingOptions> voting, TimeProvider clock,
        IEnumerable<IPollDataCleaner> cleaners)
    {
        _cleaners = cleaners;
        _blocks = blocks;
        _moderation = moderation;
        _rateLimiter = rateLimiter;
        _perUser = new RateLimitPolicy("pollsUser", options.Value.MaxCreatedPerUserPerHour, TimeSpan.FromHours(1));
        _perCircle = new RateLimitPolicy("pollsCircle", options.Value.MaxCreatedPerCirclePerHour, TimeSpan.FromHours(1));
        _repository = repository;
        _dataSource = dataSource;
        _circles = circles;
        _templates = templates;
        _voterHash = voterHash;
        _outbox = outbox;
        _options = options.Value;
        _visibleStep = voting.Value.VisibleStep;
        _clock = clock;
    }

    public async Task<PollView> CreateAsync(Guid userId, CreatePollRequest request, CancellationToken cancellationToken)
    {
        var templateId = request.TemplateId ?? throw Fail.Required("templateId");
        var circleId = request.CircleId ?? throw Fail.Required("circleId");
        var deadline = CheckDeadline(request.Deadline);

        var membership = await _circles.FindMembershipAsync(circleId, userId, cancellationToken)
            ?? throw (await _circles.HasLeftAsync(circleId, userId, cancellationToken) ? NotMember() : Fail.With(ErrorCodes.CircleNotFound, "Circle not found."));
        var members = await WithoutSeparatedAsync(userId, await _circles.GetActiveMembersAsync(circleId, cancellationToken), cancellationToken);
        var choices = (PollOptionRule.Choose(members) ?? throw Fail.With(ErrorCodes.PollTooFewMembers, PollOptionRule.TooFewMessage)).ToArray();
        await CountCreationAsync(userId, circleId, cancellationToken);
        RandomNumberGenerator.Shuffle(choices.AsSpan());
        var options = choices.Select((member, order) => new NewOption(member.MemberId, member.Nickname, order)).ToList();

        Guid pollId, eventId;
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var template = await _templates.UseAsync(templateId, connection, transaction, cancellationToken);
            pollId = await _repository.InsertAsync(connection, transaction, circleId, userId, templateId, template.QuestionText, deadline,
                eligibleVoters: options.Count, options, cancellationToken);
            await _circles.RecordPollCreatedAsync(membership.MemberId, connection, transaction, cancellationToken);
            eventId = await OutboxWriter.AddAsync(connection, transaction, OutboxEventTypes.PollCreated,
                new PollCreated(pollId, circleId, userId, template.QuestionText, deadline), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await _outbox.TryDispatchAsync([eventId], cancellationToken);
        return (await GetAsync(userId, pollId, cancellationToken)).Poll;
    }

    public async Task<(PollView Poll, string ETag)> GetAsync(Guid userId, Guid pollId, CancellationToken cancellationToken)
    {
        var state = await LoadVisibleAsync(userId, pollId, cancellationToken);
        var poll = state.Poll;
        var closed = IsEffectivelyClosed(poll);
        var visible = state.Voted || closed;
        var view = new PollView(poll.Id, poll.CircleId, poll.TemplateId, poll.QuestionText, poll.Deadline, poll.IsAnonymous, poll.IsActive, closed,
            TotalShown(poll, closed), poll.EligibleVoters, state.Voted, poll.CreatorId == userId, visible,
            (await ShownOptionsAsync(state, cancellationToken)).Select(o => new PollOptionView(o.Id, o.MemberNickname, o.DisplayOrder, visible ? CountShown(poll, o, closed) : null)).ToList(),
            poll.CreatedAt, poll.ClosedAt);
        return (view, ETag("p", poll, state.Voted, closed));
    }

    public async Task<PollPage> ListAsync(Guid userId, Guid? circleId, PollStatusFilter status, int limit, int offset, CancellationToken cancellationToken)
    {
        var circleIds = (await _circles.GetCircleIdsOfUserAsync(userId, cancellationToken)).ToArray();
        if (circleId is { } only)
        {
            if (!circleIds.Contains(only))
            {
                throw await _circles.HasLeftAsync(only, userId, cancellationToken) ? NotMember() : Fail.With(ErrorCodes.CircleNotFound, "Circle not found.");
            }
            circleIds = [only];
        }
        if (circleIds.Length == 0)
        {
            return new PollPage([], 0, limit, offset);
        }
        var hiddenCreators = (await _blocks.SeparatedFromAsync(userId, cancellationToken)).ToArray();
        var (rows, total) = await _repository.ListAsync(userId, circleIds, hiddenCreators, status, limit, offset, cancellationToken);
        var voted = await _repository.ParticipatedAsync(rows.Select(r => r.Id).ToArray(), rows.Select(r => _voterHash.For(r.Id, userId)).ToArray(), cancellationToken);
        var items = rows.Select(r => new PollSummary(r.Id, r.CircleId, r.QuestionText, r.Deadline, r.IsClosed, r.TotalVotes, r.TotalParticipants,
            voted.Contains(r.Id), r.IsCreator, r.CreatedAt, r.ClosedAt)).ToList();
        return new PollPage(items, total, limit, offset);
    }

    /// <summary>The creator may move the deadline of an open poll (within the same bounds as at creation).</summary>
    public async Task<PollView> UpdateAsync(Guid userId, Guid pollId, UpdatePollRequest request, CancellationToken cancellationToken)
    {
        var state = await LoadVisibleAsync(userId, pollId, cancellationToken);
        RequireCreator(state.Poll, userId);
        var deadline = CheckDeadline(request.Deadline);
        if (IsEffectivelyClosed(state.Poll))
        {
            throw state.Poll.IsClosed ? Fail.With(ErrorCodes.PollClosed, "This poll is closed.") : Fail.With(ErrorCodes.PollExpired, "This poll's deadline has passed.");
        }
        if (deadline > state.Poll.CreatedAt + _options.MaxDuration)
        {
            throw Fail.OutOfRange("deadline", $"must be within {_options.MaxDuration.TotalDays:0} days of when the poll started.");
        }
        if (!await _repository.MoveDeadlineAsync(pollId, deadline, _options.DeadlineReminderLead, cancellationToken))
        {
            throw Fail.With(ErrorCodes.PollClosed, "This poll closed before the change.");
        }
        return (await GetAsync(userId, pollId, cancellationToken)).Poll;
    }

    public async Task DeleteAsync(Guid userId, Guid pollId, CancellationToken cancellationToken)
    {
        var state = await LoadVisibleAsync(userId, pollId, cancellationToken);
        RequireCreator(state.Poll, userId);
        await _repository.DeactivateAsync(pollId, cancellationToken);
        foreach (var cleaner in _cleaners)
        {
            await cleaner.RemovePollAsync(pollId, cancellationToken);
        }
    }

    /// <summary>
    /// One statement checks and counts the vote (PollRepository.VoteAsync). Only a refused vote
    /// pays for the reads that say why, in the order the rules are listed here.
    /// </summary>
    public async Task<VoteReceipt> VoteAsync(Guid userId, Guid pollId, VoteRequest request, CancellationToken cancellationToken)
    {
        var optionId = request.OptionId ?? throw Fail.Required("optionId");
        var hash = _voterHash.For(pollId, userId);
        var outcome = await _repository.VoteAsync(pollId, userId, optionId, hash, _visibleStep, CloseDelay(), cancellationToken);
        if (!outcome.Counted)
        {
            throw await WhyRefusedAsync(userId, pollId, optionId, hash, cancellationToken);
        }
        // The receipt shows what every member sees: the visible total, never this vote on its own.
        return new VoteReceipt(pollId, Voted: true, TotalVotes: outcome.VisibleVotes, IsClosed: false);
    }

    /// <summary>The error for a vote the statement did not count; a check that throws itself names the first rule broken.</summary>
    private async Task<CirclyException> WhyRefusedAsync(Guid userId, Guid pollId, Guid optionId, byte[] hash, CancellationToken cancellationToken)
    {
        var (state, membership) = await LoadWithMembershipAsync(userId, pollId, hash, cancellationToken);
        var poll = state.Poll;

        // Polls opened before the creator became an option (migration 0008) still let their creator vote.
        if (poll.CreatorId != userId && !state.Options.Any(o => o.MemberId == membership.MemberId))
        {
            return Fail.With(ErrorCodes.CircleNotMember, "Only members who were in the circle when this poll started can vote in it.");
        }
        if (state.Voted)
        {
            return AlreadyVoted();
        }
        ThrowIfNotOpen(poll);
        var option = state.Options.FirstOrDefault(o => o.Id == optionId);
        if (option is null)
        {
            return Fail.With(ErrorCodes.PollInvalidOption, "This option is not part of this poll.");
        }
        if (option.MemberId == membership.MemberId)
        {
            return Fail.With(ErrorCodes.PollInvalidOption, "You can't vote for yourself. Pick one of your friends!");
        }
        // Every rule holds now: someone got there first (this voter's other request), or the poll closed meanwhile.
        return AlreadyVoted();
    }

    public async Task<(PollResults Results, string ETag)> GetResultsAsync(Guid userId, Guid pollId, CancellationToken cancellationToken)
    {
        var state = await LoadVisibleAsync(userId, pollId, cancellationToken);
        var poll = state.Poll;
        var closed = IsEffectivelyClosed(poll);
        var etag = ETag("r", poll, state.Voted, closed);
        if (!state.Voted && !closed)
        {
            return (new PollResults(poll.Id, poll.QuestionText, TotalShown(poll, closed), poll.EligibleVoters, closed, false, [], null, false, []), etag);
        }
        var (results, winner, isTie, top) = ResultCalculator.Calculate(
            (await ShownOptionsAsync(state, cancellationToken)).Select(o => new ResultCalculator.Counted(o.Id, o.MemberNickname, o.DisplayOrder, CountShown(poll, o, closed))).ToList());
        return (new PollResults(poll.Id, poll.QuestionText, TotalShown(poll, closed), poll.EligibleVoters, closed, true, results, winner, isTie, top), etag);
    }

    /// <summary>
    /// The ETag GetAsync (results: false) or GetResultsAsync (results: true) would answer with, from
    /// the poll row's version alone in one statement, so a conditional read that still matches is a
    /// 304 without loading options or counts. Null when the caller may not see the poll: the full
    /// read then gives the error.
    /// </summary>
    public async Task<string?> CurrentETagAsync(Guid userId, Guid pollId, bool results, CancellationToken cancellationToken)
    {
        var tag = await _repository.FindTagAsync(pollId, userId, _voterHash.For(pollId, userId), cancellationToken);
        return tag is null ? null : ETag(results ? "r" : "p", pollId, tag.Version, tag.Voted, tag.IsClosed || tag.Deadline <= _clock.GetUtcNow());
    }

    /// <summary>
    /// The caller's own line of a poll's result, for their share card: whether the poll is closed
    /// and, once it is, how many votes the caller received. Nothing about any other option. The
    /// caller must be a member (POLL_NOT_FOUND / CIRCLE_NOT_MEMBER as for reading the poll);
    /// Nickname is null when they were not one of its options.
    /// </summary>
    public async Task<OwnPollResult> GetOwnResultAsync(Guid userId, Guid pollId, CancellationToken cancellationToken)
    {
        var (state, membership) = await LoadWithMembershipAsync(userId, pollId, _voterHash.For(pollId, userId), cancellationToken);
        var poll = state.Poll;
        var closed = IsEffectivelyClosed(poll);
        var own = state.Options.FirstOrDefault(o => o.MemberId == membership.MemberId);
        return new OwnPollResult(poll.Id, poll.CircleId, poll.QuestionText, closed, own?.MemberNickname, closed && own is not null ? CountShown(poll, own, closed) : null);
    }

    /// <summary>
    /// Of these polls, the ones nobody can see any more: gone, deleted, or in a deleted circle
    /// (for modules that keep data per poll).
    /// </summary>
    public async Task<IReadOnlyList<Guid>> FindRemovedAsync(IReadOnlyCollection<Guid> pollIds, CancellationToken cancellationToken)
    {
        if (pollIds.Count == 0)
        {
            return [];
        }
        var active = await _repository.ActiveAmongAsync([.. pollIds.Distinct()], cancellationToken);
        var circles = await _circles.FindActiveAsync([.. active.Select(p => p.CircleId).Distinct()], cancellationToken);
        var shown = active.Where(p => circles.Contains(p.CircleId)).Select(p => p.Id).ToHashSet();
        return pollIds.Distinct().Where(id => !shown.Contains(id)).ToList();
    }

    /// <summary>
    /// The timer's work: close every poll past its deadline, or complete and past its random close
    /// time, once each, and announce it. Only the timer closes polls: no vote does.
    /// </summary>
    public async Task<int> CloseExpiredAsync(CancellationToken cancellationToken)
    {
        var events = await _repository.CloseExpiredAsync(cancellationToken);
        // A normal minute closes a handful of polls: announce them now. A backlog (a late or
        // stalled timer) goes to the outbox sweep, so this run stays short and holds no locks.
        await _outbox.TryDispatchAsync(events.Take(ImmediateDispatchLimit).ToList(), cancellationToken);
        return events.Count;
    }

    /// <summary>Announces polls whose deadline is within the reminder lead time, once each.</summary>
    public async Task<int> AnnounceDeadlinesAsync(CancellationToken cancellationToken)
    {
        var events = await _repository.AnnounceDeadlinesAsync(_options.DeadlineReminderLead, cancellationToken);
        await _outbox.TryDispatchAsync(events.Take(ImmediateDispatchLimit).ToList(), cancellationToken);
        return events.Length;
    }

    /// <summary>
    /// For the deadline reminder: every member who may vote in the poll (an active member who is one
    /// of its options), whether they voted or not. Reminding only those who had not voted would write
    /// who had not voted into their inboxes, the push claims and the queue; so the reminder goes to
    /// all, with a text that suits both.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> GetEligibleVoterUserIdsAsync(Guid pollId, CancellationToken cancellationToken)
    {
        var state = await _repository.LoadAsync(pollId, NoVoter, cancellationToken);
        if (state is null || !state.Poll.IsActive || IsEffectivelyClosed(state.Poll))
        {
            return [];
        }
        var optionMembers = state.Options.Select(o => o.MemberId).OfType<Guid>().ToHashSet();
        return (await _circles.GetActiveMembersAsync(state.Poll.CircleId, cancellationToken))
            .Where(m => optionMembers.Contains(m.MemberId) || m.UserId == state.Poll.CreatorId)
            .Select(m => m.UserId)
            .ToList();
    }

    /// <summary>Retention: removes closed and deleted polls after their periods (see RetentionOptions).</summary>
    public Task<int> DeleteOldAsync(DateTimeOffset closedBefore, DateTimeOffset deletedBefore, CancellationToken cancellationToken) =>
        _repository.DeleteOldAsync(closedBefore, deletedBefore, cancellationToken);

    private async Task<PollState> LoadVisibleAsync(Guid userId, Guid pollId, CancellationToken cancellationToken) =>
        (await LoadWithMembershipAsync(userId, pollId, _voterHash.For(pollId, userId), cancellationToken)).State;

    private async Task<(PollState State, CircleMembership Membership)> LoadWithMembershipAsync(Guid userId, Guid pollId, byte[] hash, CancellationToken cancellationToken)
    {
        var state = await _repository.LoadAsync(pollId, hash, cancellationToken);
        if (state is null || !state.Poll.IsActive)
        {
            throw PollNotFound();
        }
        var membership = await _circles.FindMembershipAsync(state.Poll.CircleId, userId, cancellationToken);
        if (membership is null)
        {
            throw await _circles.HasLeftAsync(state.Poll.CircleId, userId, cancellationToken) ? NotMember() : PollNotFound();
        }
        if (state.Poll.CreatorId is { } creator && creator != userId && (await _blocks.SeparatedFromAsync(userId, cancellationToken)).Contains(creator))
        {
            throw PollNotFound();
        }
        return (state, membership);
    }

    /// <summary>
    /// Blocks: a new poll leaves out everyone the creator blocked or was blocked by, as options and
    /// as voters (BlockService.SeparatedFromAsync says who). The option-count rule applies after this.
    /// </summary>
    private async Task<IReadOnlyList<CircleMemberRef>> WithoutSeparatedAsync(Guid creatorId, IReadOnlyList<CircleMemberRef> members, CancellationToken cancellationToken)
    {
        var separated = await _blocks.SeparatedFromAsync(creatorId, cancellationToken);
        return separated.Count == 0 ? members : [.. members.Where(m => !separated.Contains(m.UserId))];
    }

    /// <summary>Poll creation limits per member and per circle (settings): POLL_CREATION_LIMIT, 429.</summary>
    private async Task CountCreationAsync(Guid userId, Guid circleId, CancellationToken cancellationToken)
    {
        try
        {
            await _rateLimiter.HitAsync(_perUser, userId.ToString(), cancellationToken);
            await _rateLimiter.HitAsync(_perCircle, circleId.ToString(), cancellationToken);
        }
        catch (RateLimitedException limited)
        {
            var who = limited.Decision.Policy == _perUser ? "You have started" : "This circle has had";
            throw new RateLimitedException(limited.Decision, ErrorCodes.PollCreationLimit,
                $"{who} {limited.Decision.Policy.Limit} polls in the last hour, the most allowed. Try again in {limited.Decision.ResetSeconds / 60 + 1} minutes.");
        }
    }

    /// <summary>Options as they show now: a nickname hidden since the poll opened shows as its placeholder.</summary>
    private async Task<IReadOnlyList<OptionRow>> ShownOptionsAsync(PollState state, CancellationToken cancellationToken)
    {
        var hidden = (await _moderation.HiddenNicknameMemberIdsAsync(state.Poll.CircleId, cancellationToken)).ToHashSet();
        return hidden.Count == 0 ? state.Options : [.. state.Options.Select(o => o.MemberId is { } m && hidden.Contains(m) ? o with { MemberNickname = Placeholders.Nickname(m) } : o)];
    }

    private DateTimeOffset CheckDeadline(DateTimeOffset? requested)
    {
        var deadline = requested ?? throw Fail.Required("deadline");
        var now = _clock.GetUtcNow();
        if (deadline < now + _options.MinDuration || deadline > now + _options.MaxDuration)
        {
            throw Fail.OutOfRange("deadline", $"must be between {_options.MinDuration.TotalMinutes:0} minutes and {_options.MaxDuration.TotalDays:0} days from now.");
        }
        return deadline;
    }

    private void ThrowIfNotOpen(PollRow poll)
    {
        if (poll.IsClosed)
        {
            throw Fail.With(ErrorCodes.PollClosed, "This poll is closed.");
        }
        if (poll.Deadline <= _clock.GetUtcNow())
        {
            throw Fail.With(ErrorCodes.PollExpired, "This poll's deadline has passed.");
        }
    }

    private bool IsEffectivelyClosed(PollRow poll) => poll.IsClosed || poll.Deadline <= _clock.GetUtcNow();

    /// <summary>A random delay between the bounds: when a poll everyone voted in may close.</summary>
    private TimeSpan CloseDelay() => TimeSpan.FromSeconds(RandomNumberGenerator.GetInt32(
        (int)_options.CloseAfterAllVotedMin.TotalSeconds, (int)_options.CloseAfterAllVotedMax.TotalSeconds + 1));

    /// <summary>While open, the last published step; once closed (or past the deadline, when no vote can come), every vote.</summary>
    private static int CountShown(PollRow poll, OptionRow option, bool closed)
    {
        var counts = closed ? poll.VoteCounts : poll.VisibleCounts;
        return option.DisplayOrder < counts.Length ? counts[option.DisplayOrder] : 0;
    }

    private static int TotalShown(PollRow poll, bool closed) => closed ? poll.TotalVotes : poll.VisibleVotes;

    private static void RequireCreator(PollRow poll, Guid userId)
    {
        if (poll.CreatorId != userId)
        {
            throw Fail.With(ErrorCodes.PollNotCreator, "Only the poll's creator can do this.");
        }
    }

    private static string ETag(string kind, PollRow poll, bool voted, bool closed) => ETag(kind, poll.Id, poll.Version, voted, closed);

    private static string ETag(string kind, Guid pollId, int version, bool voted, bool closed) =>
        $"\"{kind}{pollId:N}.{version}.{(voted ? 1 : 0)}{(closed ? 1 : 0)}\"";

    private static CirclyException PollNotFound() => Fail.With(ErrorCodes.PollNotFound, "Poll not found.");

    private static CirclyException NotMember() => Fail.With(ErrorCodes.CircleNotMember, "You are no longer a member of this circle.");

    private static CirclyException AlreadyVoted() => Fail.With(ErrorCodes.PollAlreadyVoted, "You already voted in this poll.");
}
