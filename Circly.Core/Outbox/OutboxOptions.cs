using System.ComponentModel.DataAnnotations;

namespace Circly.Core.Outbox;

/// <summary>
/// When the outbox sweep puts an event on its queue again. An event is delivered once its consumer
/// has finished with it (consumed_at), not once a queue accepted it: a queue that loses an accepted
/// message, a consumer killed half-way, a message left hidden after a failed run all end in the same
/// place, an event dispatched but not consumed, and the sweep sends it again. Consumers are idempotent
/// by event id, so a second copy costs work, never a second inbox entry or push.
/// </summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>
    /// How long after its last dispatch an unconsumed event is sent again. Longer than a fan-out takes
    /// with the queue's retries (host.json: 5 tries 10 s apart), shorter than anyone waits for a push.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RedeliverAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many times an event is put on its queue at most. One that is still not consumed after that
    /// fails in its consumer every time (its messages are in the poison queue): it waits for an operator,
    /// counted as stuck in /health/detailed (docs/OPERATIONS.md, "Undelivered outbox events").
    /// </summary>
    [Range(1, 100)]
    public int MaxDispatches { get; set; } = 5;
}
