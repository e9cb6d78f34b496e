-- Issue 16: closing a poll changes is_closed, closed_at and updated_at, which indexes or index
-- predicates name, so it is never a HOT update: the new row version gets an entry in every index
-- whose predicate it meets. Two of those were the circle's: idx_polls_circle (circle_id, for the
-- cascade when a circle is deleted) and idx_polls_circle_recent (circle_id, created_at DESC, for the
-- poll list, active polls only). One index now serves both: every poll of a circle, newest first,
-- with the id that breaks ties in the list's order, so the list reads each circle's newest polls in
-- order and stops (PollRepository.ListAsync). A closed poll's update writes three index entries
-- (the key, this one, idx_polls_closed_at) instead of four.
DROP INDEX idx_polls_circle;
DROP INDEX idx_polls_circle_recent;
CREATE INDEX idx_polls_circle_recent ON polls (circle_id, created_at DESC, id);

-- Room on each page for a vote's update of the poll row to stay on its page: a vote changes no
-- indexed column (unless it shows a step or completes the poll), so with room it is a HOT update
-- that writes no index entry at all. New pages only; existing ones fill as rows move.
ALTER TABLE polls SET (fillfactor = 85);
