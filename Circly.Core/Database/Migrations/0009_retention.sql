-- Issue 12: the daily cleanup deletes what retention says, set-based and in chunks. Each chunk
-- finds its rows through an index, and the foreign keys its deletes cascade through are indexed.

-- Dispatched outbox events, oldest first (the pending ones have their own partial index).
CREATE INDEX idx_outbox_dispatched ON outbox_events (dispatched_at) WHERE dispatched_at IS NOT NULL;

-- Closed polls by when they closed; deleted polls and circles by when they were deleted.
CREATE INDEX idx_polls_closed_at ON polls (closed_at) WHERE is_closed;
CREATE INDEX idx_polls_deleted ON polls (updated_at) WHERE NOT is_active;
CREATE INDEX idx_circles_deleted ON circles (updated_at) WHERE NOT is_active;

-- Deleting a circle cascades to all its polls (active or not: the existing index is partial) and
-- sets poll_options.member_id to NULL for its members: both need an index or each is a full scan.
CREATE INDEX idx_polls_circle ON polls (circle_id);
CREATE INDEX idx_poll_options_member ON poll_options (member_id) WHERE member_id IS NOT NULL;
