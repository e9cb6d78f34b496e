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
SELECT id, circle_id, creator_id, template_id, question_text, deadline, is_anonymous, is_active, is_closed, closed_at, total_votes, eligible_voters, version, vote_counts, visible_votes, visible_counts, created_at FROM polls WHERE id = ':pid' \;
SELECT id, member_id, member_nickname, display_order FROM poll_options WHERE poll_id = ':pid' ORDER BY display_order \;
SELECT EXISTS (SELECT 1 FROM poll_participations WHERE poll_id = ':pid' AND voter_hash = ':vh'::bytea);
-- membership (CircleRepository.FindMembershipAsync)
SELECT m.circle_id, m.id AS member_id, m.nickname, m.role FROM circle_members m JOIN circles c ON c.id = m.circle_id WHERE m.circle_id = ':cid' AND m.user_id = ':uid' AND m.is_active AND c.is_active;
-- the vote (PollRepository.VoteAsync)
WITH target AS (SELECT id FROM polls WHERE id = ':pid' AND is_active AND NOT is_closed AND deadline > now() FOR UPDATE), participation AS (INSERT INTO poll_participations (poll_id, voter_hash) SELECT id, ':vh'::bytea FROM target ON CONFLICT DO NOTHING RETURNING poll_id), counted AS (UPDATE polls p SET vote_counts[:slot] = p.vote_counts[:slot] + 1, total_votes = p.total_votes + 1, visible_counts = CASE WHEN (p.total_votes + 1 - p.visible_votes >= 3 AND p.eligible_voters - (p.total_votes + 1) >= 3) THEN p.vote_counts[:(:slot - 1)] || (p.vote_counts[:slot] + 1) || p.vote_counts[(:slot + 1):] ELSE p.visible_counts END, visible_votes = CASE WHEN (p.total_votes + 1 - p.visible_votes >= 3 AND p.eligible_voters - (p.total_votes + 1) >= 3) THEN p.total_votes + 1 ELSE p.visible_votes END, version = CASE WHEN (p.total_votes + 1 - p.visible_votes >= 3 AND p.eligible_voters - (p.total_votes + 1) >= 3) THEN p.version + 1 ELSE p.version END, updated_at = CASE WHEN (p.total_votes + 1 - p.visible_votes >= 3 AND p.eligible_voters - (p.total_votes + 1) >= 3) THEN now() ELSE p.updated_at END, close_after = CASE WHEN p.total_votes + 1 >= p.eligible_voters THEN now() + interval '30 minutes' ELSE p.close_after END FROM participation WHERE p.id = participation.poll_id RETURNING p.visible_votes) SELECT EXISTS (SELECT 1 FROM counted) AS counted, coalesce((SELECT visible_votes FROM counted), 0) AS visible_votes;
