-- Issues 16 and 17: the notification inbox moves from Table Storage to PostgreSQL. Owned by the
-- Notifications module. A fan-out writes all its recipients' entries in one set-based statement
-- (INSERT … SELECT FROM unnest … ON CONFLICT DO NOTHING), committed before the event is marked fanned
-- out, so an acknowledged entry rests on the database's durability, not the Storage emulator's.
--
-- One row per (user, event): a repeated write of the event finds its row and changes nothing, read
-- state included. created_at is the event's time (the same on every delivery). No vote information:
-- a row says that the user was told of a poll, and every eligible voter is told the same things.
-- No foreign key to users: account deletion removes the rows in its own transaction
-- (NotificationsAccountCleaner), and a per-row key check would slow down the fan-out's insert.
CREATE TABLE inbox_entries (
    user_id     uuid NOT NULL,
    event_id    uuid NOT NULL,
    type        text NOT NULL,
    title       text NOT NULL,
    body        text NOT NULL,
    poll_id     uuid,
    circle_id   uuid,
    created_at  timestamptz NOT NULL,
    read_at     timestamptz,
    PRIMARY KEY (user_id, event_id)
);

-- One user's inbox newest first, in the order of the opaque cursor (time descending, then event id).
CREATE INDEX idx_inbox_entries_page ON inbox_entries (user_id, created_at DESC, event_id);

-- The unread count of one user, and "mark all read": only the unread rows are in it.
CREATE INDEX idx_inbox_entries_unread ON inbox_entries (user_id) WHERE read_at IS NULL;

-- Retention deletes by age, oldest first, in chunks (BatchedDelete).
CREATE INDEX idx_inbox_entries_created ON inbox_entries (created_at);
