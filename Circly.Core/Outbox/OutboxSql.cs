namespace Circly.Core.Outbox;

/// <summary>
/// Outbox writes as SQL text, for a change made in one statement: the event goes in as a
/// data-modifying CTE of that very statement, so it costs no extra round trip and exists exactly
/// when the change does. The table stays named here only (ModuleBoundaryTests).
/// </summary>
public static class OutboxSql
{
    /// <summary>
    /// The vote event's time: the minute only. The row lives until the outbox retention and carries no
    /// voter, but an exact time next to a request log would say more than the product needs.
    /// </summary>
    public const string MinuteOnly = "date_trunc('minute', now())";

    /// <summary>
    /// The vote statement's event (PollRepository.VoteAsync): a CTE body that writes one VoteCast per
    /// row of the statement's <c>counted</c> CTE (the poll row it counted the vote in: id, circle_id).
    /// A constant, so the vote's SQL stays one constant too.
    /// </summary>
    public const string VoteCastFromCounted =
        $"INSERT INTO outbox_events (event_type, payload, created_at) SELECT '{OutboxEventTypes.VoteCast}', jsonb_build_object('pollId', id, 'circleId', circle_id), {MinuteOnly} FROM counted RETURNING id";

    /// <summary>
    /// A CTE body: one event of <paramref name="eventType"/> (a constant of OutboxEventTypes) per row of
    /// <paramref name="source"/>, its payload built by <paramref name="payloadSql"/> (jsonb, camelCase keys as the records).
    /// </summary>
    public static string InsertFrom(string eventType, string payloadSql, string source, string createdAtSql = "now()") =>
        $"INSERT INTO outbox_events (event_type, payload, created_at) SELECT '{eventType}', {payloadSql}, {createdAtSql} FROM {source} RETURNING id";
}
