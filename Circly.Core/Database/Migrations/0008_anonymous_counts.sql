-- Issue 12: what members see moves only in steps of several votes, and no vote closes a poll.

-- The counts members are shown: a copy of vote_counts / total_votes taken when at least
-- Voting__VisibleStep votes were not yet shown (and enough members are left to vote that the
-- close will again show a step), and at close. `version` (the ETag) changes only with them.
ALTER TABLE polls ADD COLUMN visible_counts integer[] NOT NULL DEFAULT '{}';
ALTER TABLE polls ADD COLUMN visible_votes integer NOT NULL DEFAULT 0 CHECK (visible_votes >= 0);
-- Open polls keep showing what they showed before this migration; closed ones show everything anyway.
UPDATE polls SET visible_counts = vote_counts, visible_votes = total_votes;
ALTER TABLE polls ADD CONSTRAINT polls_visible_votes_counted CHECK (visible_votes <= total_votes);

-- When everyone who could vote has voted, the vote that completed the poll draws a random moment
-- between Polls__CloseAfterAllVotedMin and Max; the closing timer closes the poll at its first
-- run after it (or at the deadline, whichever comes first). No vote closes a poll by itself.
ALTER TABLE polls ADD COLUMN close_after timestamptz;
CREATE INDEX idx_polls_close_after ON polls (close_after) WHERE is_active AND NOT is_closed AND close_after IS NOT NULL;
