-- Votes are counted in an array on the poll row, indexed by option display order, instead of a
-- counter per option row. Every vote updates the poll row anyway (total, version); with per-option
-- rows, the option row a vote touched would carry the same transaction id (xmin) as the voter's
-- participation row, readable by anyone with SELECT. On the poll row it reveals only that
-- someone voted, which the participation row says already.
ALTER TABLE polls ADD COLUMN vote_counts integer[] NOT NULL DEFAULT '{}';
ALTER TABLE poll_options DROP COLUMN vote_count;

-- The number of votes a member cast is not worth a second place that records who voted when.
ALTER TABLE circle_members DROP COLUMN votes_cast;

-- The deadline reminder is announced once per poll.
ALTER TABLE polls ADD COLUMN deadline_reminded boolean NOT NULL DEFAULT false;

ALTER TABLE polls ADD CONSTRAINT polls_vote_counts_total
    CHECK (cardinality(vote_counts) = 0 OR total_votes <= eligible_voters);

-- Circles hold up to 200 members (a grade's club or team); see docs/API.md.
ALTER TABLE circles DROP CONSTRAINT circles_max_members_check;
ALTER TABLE circles ADD CONSTRAINT circles_max_members_check CHECK (max_members BETWEEN 2 AND 200);
