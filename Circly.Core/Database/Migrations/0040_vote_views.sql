-- Performance (issue 16): what the one-statement vote reads of the Circles module.

-- Published by the Circles module: the active members of active circles. The Polls module joins it
-- so that a vote checks membership in the same statement that counts it (one round trip), without
-- touching the circles or circle_members tables. Served by idx_circle_members_one_active.
CREATE VIEW active_circle_members AS
    SELECT m.circle_id, m.user_id, m.id AS member_id
    FROM circle_members m JOIN circles c ON c.id = m.circle_id
    WHERE m.is_active AND c.is_active;

-- Published by the Circles module: who is kept apart from whom by a block, both ways (what
-- BlockService.SeparatedFromAsync says). Served by the blocks primary key and idx_blocks_blocked.
CREATE VIEW user_separations AS
    SELECT blocker_id AS user_id, blocked_id AS other_id FROM blocks
    UNION ALL
    SELECT blocked_id AS user_id, blocker_id AS other_id FROM blocks;
