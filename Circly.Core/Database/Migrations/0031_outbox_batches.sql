-- Issue 17: an event's fan-out is done only when the push sender has finished every push batch it
-- queued, not when the batches were queued: a store that loses an accepted batch message would
-- otherwise lose its pushes for good. fanned_out_at: the fan-out wrote every inbox entry and queued
-- its batches (listed below); consumed_at is set once that is so and every listed batch is done.
ALTER TABLE outbox_events ADD COLUMN fanned_out_at timestamptz;
UPDATE outbox_events SET fanned_out_at = consumed_at WHERE consumed_at IS NOT NULL;

-- The push batches of the event's latest fan-out (a fan-out run again replaces the unfinished ones:
-- its own batches carry every push again, and the sender's per-device claims send nothing twice).
CREATE TABLE outbox_event_batches (
    event_id  uuid NOT NULL REFERENCES outbox_events (id) ON DELETE CASCADE,
    batch_id  uuid NOT NULL,
    done      boolean NOT NULL DEFAULT false,
    PRIMARY KEY (event_id, batch_id)
);
