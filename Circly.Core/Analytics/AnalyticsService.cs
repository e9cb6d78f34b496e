using Circly.Core.Errors;
using Circly.Core.Outbox;

namespace Circly.Core.Analytics;

/// <summary>
/// The Analytics module: product events recorded from the outbox (one row per event, a day and no
/// time, pseudonyms instead of users, votes without any actor), daily figures aggregated from them,
/// raw events dropped by month after their retention. docs/ANONYMITY.md "Analytics" says what is
/// kept and why nothing links a voter to a choice.
/// </summary>
public sealed class AnalyticsService
{
    /// <summary>The longest period GET /v1/admin/metrics answers for.</summary>
    public const int MaxDays = 366;

    /// <summary>
    /// How many finished days each run computes again, yesterday included: events reach the store
    /// through the outbox and a queue, minutes late (hours when Storage was down). A period's key is
    /// discarded once its last day is older than these days.
    /// </summary>
    public const int LateDays = 2;

    private readonly AnalyticsRepository _repository;
    private readonly PeriodKeys _keys;
    private readonly TimeProvider _clock;

    internal AnalyticsService(AnalyticsRepository repository, PeriodKeys keys, TimeProvider clock)
    {
        _repository = repository;
        _keys = keys;
        _clock = clock;
    }

    /// <summary>The outbox consumer's part: idempotent per event id. Returns false for events that are not product events.</summary>
    public async Task<bool> RecordAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        if (AnalyticsEventMapping.From(message) is not { } e)
        {
            return false;
        }
        var (week, month) = e.ActorUserId is { } userId ? await _keys.PseudonymsAsync(userId, e.Day, cancellationToken) : (null, null);
        await _repository.RecordAsync(e, week, month, cancellationToken);
        return true;
    }

    /// <summary>
    /// The daily timer: makes the coming months' partitions, computes the last LateDays finished days
    /// again, then discards the keys of periods that ended before them (their figures are final).
    /// </summary>
    public async Task<AggregationReport> RunDailyAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        var created = await _repository.PrepareMonthsAsync(today, today.AddMonths(2), cancellationToken);
        var days = Enumerable.Range(1, LateDays).Select(n => today.AddDays(-n)).Order().ToList();
        foreach (var day in days)
        {
            await _repository.AggregateDayAsync(day, cancellationToken);
        }
        var discarded = await _keys.DiscardEndedAsync(days[0].AddDays(-1), cancellationToken);
        return new AggregationReport(days, discarded, created);
    }

    /// <summary>One day's figures computed (again) from its raw events.</summary>
    public Task AggregateDayAsync(DateOnly day, CancellationToken cancellationToken) => _repository.AggregateDayAsync(day, cancellationToken);

    public async Task<MetricsReport> GetMetricsAsync(DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        var last = to ?? DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime).AddDays(-1);
        var first = from ?? last.AddDays(-29);
        if (first > last)
        {
            throw Fail.InvalidFormat("from", "must not be after to.");
        }
        if (last.DayNumber - first.DayNumber + 1 > MaxDays)
        {
            throw Fail.OutOfRange("to", $"must be at most {MaxDays} days after from.");
        }
        return new MetricsReport(first, last, await _repository.ListDailyAsync(first, last, cancellationToken));
    }

    /// <summary>The cleanup's part: raw events go by whole months once the month ended before the cutoff. Returns the rows dropped.</summary>
    public Task<long> DeleteRawEventsBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        _repository.DropMonthsBeforeAsync(DateOnly.FromDateTime(cutoff.UtcDateTime), cancellationToken);
}
