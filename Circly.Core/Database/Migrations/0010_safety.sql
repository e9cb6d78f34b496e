-- Safety (issue 13): reports, auto-hidden names, blocks, confusable-proof nicknames, bans that can be listed and lifted.

-- Reports: the targets and reasons the app offers; one report per reporter and target; the circle
-- a target belongs to (for the moderators' queue); who resolved it and how.
ALTER TABLE reports DROP CONSTRAINT reports_target_type_check;
ALTER TABLE reports ADD CONSTRAINT reports_target_type_check
    CHECK (target_type IN ('poll', 'circle', 'circle_name', 'member', 'nickname'));
ALTER TABLE reports DROP CONSTRAINT reports_reason_check;
ALTER TABLE reports ADD CONSTRAINT reports_reason_check
    CHECK (reason IN ('bullying', 'inappropriate_name', 'impersonation', 'under_13', 'self_harm', 'other'));
ALTER TABLE reports ADD COLUMN circle_id uuid REFERENCES circles (id) ON DELETE CASCADE;
ALTER TABLE reports ADD COLUMN resolution text CHECK (resolution IN ('dismiss', 'hide', 'rename', 'remove_member', 'ban_device'));
ALTER TABLE reports ADD COLUMN resolved_by text CHECK (char_length(resolved_by) <= 200);
CREATE UNIQUE INDEX idx_reports_one_per_reporter ON reports (reporter_id, target_type, target_id);

-- A name with enough distinct reports shows as a neutral placeholder until a moderator decides.
ALTER TABLE circles ADD COLUMN name_hidden boolean NOT NULL DEFAULT false;
ALTER TABLE circle_members ADD COLUMN nickname_hidden boolean NOT NULL DEFAULT false;

-- Nickname uniqueness compares the UTS #39 confusable skeleton (Circly.Core/Circles/Confusables.cs),
-- so "Аnna" in Cyrillic cannot sit next to "Anna". Rows from before this migration get their
-- lower-cased nickname; new and changed rows get the real skeleton from the app.
ALTER TABLE circle_members ADD COLUMN nickname_skeleton text;
UPDATE circle_members SET nickname_skeleton = lower(nickname);
ALTER TABLE circle_members ALTER COLUMN nickname_skeleton SET NOT NULL;
DROP INDEX idx_circle_members_nickname;
CREATE UNIQUE INDEX idx_circle_members_nickname_skeleton ON circle_members (circle_id, nickname_skeleton) WHERE is_active;

-- Blocks between people (user ids, never shown to anyone), with the member and circle the block
-- was made from so the blocker's list can name them.
CREATE TABLE blocks (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    blocker_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_member_id   uuid REFERENCES circle_members (id) ON DELETE SET NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
CREATE INDEX idx_blocks_blocked ON blocks (blocked_id);

-- Bans get an id to be listed and lifted by, and remember the account they were made on.
ALTER TABLE banned_devices ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE;
ALTER TABLE banned_devices ADD COLUMN user_id uuid REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX idx_banned_devices_time ON banned_devices (banned_at DESC);
