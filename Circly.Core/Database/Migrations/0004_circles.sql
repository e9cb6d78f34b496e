-- Circles (issue 4): what 0001 did not yet have.

-- An owner's removal is remembered: a removed member cannot come back through the invite code
-- (someone who left on their own can). Only on inactive rows.
ALTER TABLE circle_members ADD COLUMN removed_at timestamptz;
ALTER TABLE circle_members ADD CONSTRAINT circle_members_removed_is_inactive CHECK (removed_at IS NULL OR NOT is_active);

-- Exactly one owner among the active members of a circle; ownership passes on when the owner leaves.
CREATE UNIQUE INDEX idx_circle_members_one_owner ON circle_members (circle_id) WHERE is_active AND role = 'owner';

-- Member lists and the ownership hand-over read the active members in joining order.
CREATE INDEX idx_circle_members_active_joined ON circle_members (circle_id, joined_at, id) WHERE is_active;

-- Invite link ids go into URLs: URL-safe characters only.
ALTER TABLE circles ADD CONSTRAINT circles_invite_link_id_url_safe CHECK (invite_link_id ~ '^[A-Za-z0-9_-]{16,64}$');
