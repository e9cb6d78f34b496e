-- Issue 16, session 5: closing a poll becomes a HOT update (heap-only: the new row version stays on
-- its page and no index gets an entry). PostgreSQL makes an update HOT only when no index names a
-- changed column, in its key or in its predicate, and the page has room. The closing update changes
-- is_closed, closed_at, version, visible_counts, visible_votes (and no longer updated_at), so no
-- index may name is_closed or closed_at any more:
--
-- * idx_polls_circle_active (circle_id, deadline, is_active) WHERE NOT is_closed: no query uses it
--   (the poll list reads idx_polls_circle_recent since 0060). Dropped.
-- * idx_polls_deadline and idx_polls_close_after were partial on NOT is_closed: the closing timer's
--   pick. They now hold every (active) poll with a deadline / a close_after, immutable once the poll
--   closes; the timer bounds its range by a watermark (poll_closing below) and checks NOT is_closed
--   on the row.
-- * idx_polls_closed_at (closed_at) WHERE is_closed: retention's walk over closed polls. It walks
--   idx_polls_created_at instead (a poll closes after it is created, so closed_at < cutoff implies
--   created_at < cutoff; closed_at is checked on the row).
DROP INDEX idx_polls_circle_active;
DROP INDEX idx_polls_deadline;
CREATE INDEX idx_polls_deadline ON polls (deadline) WHERE is_active;
DROP INDEX idx_polls_close_after;
CREATE INDEX idx_polls_close_after ON polls (close_after) WHERE close_after IS NOT NULL;
DROP INDEX idx_polls_closed_at;
CREATE INDEX idx_polls_created_at ON polls (created_at);

-- Room for the closed version of every row on its page: the closing timer updates all polls that
-- expired together, and polls created together sit on the same pages, so a page needs room for
-- about as many new versions as it has rows (fillfactor 85 left room for ~4 of ~25 and made 84% of a
-- bulk close non-HOT; bench/README.md "Issue 16, session 5"). New pages only: existing pages keep
-- their packing until rewritten (docs/OPERATIONS.md).
ALTER TABLE polls SET (fillfactor = 50);

-- The closing timer's watermark: every active poll whose deadline or close_after is at or before
-- closed_through is closed. The timer picks only polls past it (less a margin for a transaction
-- that wrote a deadline and committed late) and moves it to the start of a run that closed
-- everything. One row. It starts where the open polls start, so the first run reads no history.
CREATE TABLE poll_closing (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    closed_through timestamptz NOT NULL
);
INSERT INTO poll_closing (closed_through)
SELECT least(now(),
             (SELECT min(deadline) FROM polls WHERE is_active AND NOT is_closed),
             (SELECT min(close_after) FROM polls WHERE is_active AND NOT is_closed));
