namespace Circly.Core.Analytics;

/// <summary>GET /v1/admin/metrics: the aggregated days in [From, To]; a day the timer has not aggregated yet is absent.</summary>
public sealed record MetricsReport(DateOnly From, DateOnly To, IReadOnlyList<DailyMetrics> Days);

/// <summary>
/// One day's figures. Wau and Mau are week- and month-to-date (ISO week, calendar month): distinct
/// users are counted through per-period pseudonyms, which cannot be compared across periods.
/// Rates are null when there is nothing to divide.
/// </summary>
public sealed record DailyMetrics(
    DateOnly Day,
    int Dau,
    int Wau,
    int Mau,
    int NewAccounts,
    int CirclesActive,
    int PollsCreated,
    int PollsClosed,
    int VotesCast,
    Participation Participation,
    IReadOnlyList<BandParticipation> ParticipationByBand,
    PushDelivery Push,
    int NotificationsOpened,
    int ReportsFiled,
    int ReportsResolved);

/// <summary>Votes ÷ eligible voters over the polls that closed that day.</summary>
public sealed record Participation(int Votes, int EligibleVoters, double? Rate);

/// <summary>Participation of closed polls by circle-size band (eligible voters: 2–5, 6–10, 11–20, 21+).</summary>
public sealed record BandParticipation(string Band, int Votes, int EligibleVoters, double? Rate);

/// <summary>Sent = accepted by Expo, Failed = not delivered to Expo, Delivered / ReceiptErrors = receipts; DeliveryRate = Delivered ÷ (Sent + Failed).</summary>
public sealed record PushDelivery(int Sent, int Failed, int Delivered, int ReceiptErrors, double? DeliveryRate);

/// <summary>What one aggregation run did.</summary>
public sealed record AggregationReport(IReadOnlyList<DateOnly> Days, int KeysDiscarded, int PartitionsCreated);
