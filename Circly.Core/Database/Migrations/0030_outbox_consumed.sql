-- Issue 17: an outbox event counts as delivered only when its consumer has finished with it (the
-- fan-out wrote every inbox entry and queued every push batch), not when the queue accepted it: a
-- store that loses an accepted message (Azurite keeps its queues in memory for up to 5 s) must not
-- lose the event. dispatched_at is when it was last put on its queue, attempts how many times.
ALTER TABLE outbox_events ADD COLUMN consumed_at timestamptz;

-- Events dispatched before this migration were delivered as far as anyone can tell now.
UPDATE outbox_events SET consumed_at = dispatched_at WHERE dispatched_at IS NOT NULL;

-- The sweep's second look and the health check: dispatched, not consumed yet.
CREATE INDEX idx_outbox_unconsumed ON outbox_events (dispatched_at) WHERE dispatched_at IS NOT NULL AND consumed_at IS NULL;

-- Retention counts from consumption: an event dispatched but never consumed stays to be looked at.
CREATE INDEX idx_outbox_consumed ON outbox_events (consumed_at) WHERE consumed_at IS NOT NULL;
DROP INDEX idx_outbox_dispatched;
