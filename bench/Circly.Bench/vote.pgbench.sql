-- The API's vote, statement for statement (bench/README.md, "The limit"). Each line is one
-- round trip, as each repository call in the API is one pooled-connection command.
-- :n is the number of prepared (poll, user, circle, slot) tuples in bench_vote_tuples.
\set i random(1, :n)
-- the one statement the API does not run: picking the voter (the API computes the hash in process)
SELECT user_id AS uid, poll_id AS pid, circle_id AS cid, slot, sha256(gen_random_uuid()::text::bytea) AS vh FROM bench_vote_tuples WHERE i = :i \gset
-- authentication: the account's standing (UserRepository.GetStandingAsync)
SELECT true AS exists, is_banned FROM users WHERE id = ':uid' AND is_active;
-- the per-user rate limit (RateLimiter.HitAsync)
INSERT INTO rate_limit_counters (bucket, window_start, hits) VALUES ('user:' || upper(encode(substr(sha256(':uid'::text::bytea), 1, 16), 'hex')), date_trunc('minute', now()), 1) ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_counters.hits + 1 RETURNING hits;
-- the poll, its options and the participation check (PollRepository.LoadAsync): one batch
SELECT id, circle_id, creator_id, template_id, question_text, deadline, is_anonymous, is_active, is_closed, closed_at, total_votes, eligible_voters, version, vote_counts, created_at FROM polls WHERE id = ':pid' \;
SELECT id, member_id, member_nickname, display_order FROM poll_options WHERE poll_id = ':pid' ORDER BY display_order \;
SELECT EXISTS (SELECT 1 FROM poll_participations WHERE poll_id = ':pid' AND voter_hash = ':vh'::bytea);
-- membership (CircleRepository.FindMembershipAsync)
SELECT m.circle_id, m.id AS member_id, m.nickname, m.role FROM circle_members m JOIN circles c ON c.id = m.circle_id WHERE m.circle_id = ':cid' AND m.user_id = ':uid' AND m.is_active AND c.is_active;
-- the vote (PollRepository.VoteAsync)
WITH target AS (SELECT id FROM polls WHERE id = ':pid' AND is_active AND NOT is_closed AND deadline > now() FOR UPDATE), participation AS (INSERT INTO poll_participations (poll_id, voter_hash) SELECT id, ':vh'::bytea FROM target ON CONFLICT DO NOTHING RETURNING poll_id), counted AS (UPDATE polls p SET vote_counts[:slot] = p.vote_counts[:slot] + 1, total_votes = p.total_votes + 1, version = p.version + 1, updated_at = now(), is_closed = p.total_votes + 1 >= p.eligible_voters, closed_at = CASE WHEN p.total_votes + 1 >= p.eligible_voters THEN now() END FROM participation WHERE p.id = participation.poll_id RETURNING p.id, p.circle_id, p.question_text, p.total_votes, p.is_closed), closed AS (INSERT INTO outbox_events (event_type, payload) SELECT 'PollClosed', jsonb_build_object('pollId', id, 'circleId', circle_id, 'questionText', question_text, 'totalVotes', total_votes) FROM counted WHERE is_closed RETURNING id) SELECT EXISTS (SELECT 1 FROM counted) AS counted, (SELECT id FROM closed) AS closed_event_id;
