-- Circly schema, version 1.
-- Ids are random UUIDs (v4): v7 would leak creation order. Timestamps are timestamptz (UTC).
-- Votes are anonymous by construction: poll_participations holds a keyed hash of (poll, user)
-- and nothing else; the choice only increments poll_options.vote_count. No table links a user
-- to the option they chose.

CREATE TABLE users (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    device_id_hash      bytea NOT NULL,
    device_secret_hash  bytea NOT NULL,
    platform            text NOT NULL CHECK (platform IN ('ios', 'android', 'web')),
    app_version         text CHECK (char_length(app_version) <= 32),
    locale              text CHECK (char_length(locale) <= 35),
    time_zone           text NOT NULL DEFAULT 'UTC' CHECK (char_length(time_zone) <= 64),
    role                text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    is_active           boolean NOT NULL DEFAULT true,
    is_banned           boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    last_active_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX idx_users_device_id ON users (device_id_hash) WHERE is_active;

-- A ban outlives the account: deleting the account and registering again does not lift it.
CREATE TABLE banned_devices (
    device_id_hash  bytea PRIMARY KEY,
    reason          text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    banned_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE refresh_tokens (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    family_id     uuid NOT NULL,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash    bytea NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    revoked_at    timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX idx_refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX idx_refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX idx_refresh_tokens_expiry ON refresh_tokens (expires_at);

CREATE TABLE push_tokens (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token           text NOT NULL UNIQUE CHECK (char_length(token) BETWEEN 10 AND 255),
    platform        text NOT NULL CHECK (platform IN ('ios', 'android', 'web')),
    is_active       boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    deactivated_at  timestamptz
);
CREATE INDEX idx_push_tokens_user ON push_tokens (user_id) WHERE is_active;

CREATE TABLE circles (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name            text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
    creator_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    invite_code     text NOT NULL CHECK (invite_code ~ '^[A-Z0-9]{6,12}$'),
    invite_link_id  text NOT NULL CHECK (char_length(invite_link_id) BETWEEN 16 AND 64),
    max_members     integer NOT NULL DEFAULT 30 CHECK (max_members BETWEEN 2 AND 50),
    member_count    integer NOT NULL DEFAULT 0 CHECK (member_count >= 0),
    expires_at      timestamptz,
    is_active       boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (member_count <= max_members)
);
CREATE INDEX idx_circles_active ON circles (is_active, expires_at) WHERE is_active;
CREATE UNIQUE INDEX idx_circles_invite_code ON circles (invite_code) WHERE is_active;
CREATE UNIQUE INDEX idx_circles_invite_link ON circles (invite_link_id) WHERE is_active;

CREATE TABLE circle_members (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    circle_id       uuid NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    -- NULL once the member deleted their account: the nickname stays on past polls.
    user_id         uuid REFERENCES users (id) ON DELETE SET NULL,
    nickname        text NOT NULL CHECK (char_length(nickname) BETWEEN 1 AND 30),
    role            text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'member')),
    joined_at       timestamptz NOT NULL DEFAULT now(),
    left_at         timestamptz,
    is_active       boolean NOT NULL DEFAULT true,
    polls_created   integer NOT NULL DEFAULT 0 CHECK (polls_created >= 0),
    votes_cast      integer NOT NULL DEFAULT 0 CHECK (votes_cast >= 0),
    CHECK (is_active = (left_at IS NULL)),
    CHECK (NOT is_active OR user_id IS NOT NULL)
);
CREATE INDEX idx_circle_members_lookup ON circle_members (circle_id, user_id, is_active);
CREATE INDEX idx_circle_members_user ON circle_members (user_id, is_active);
CREATE UNIQUE INDEX idx_circle_members_one_active ON circle_members (circle_id, user_id) WHERE is_active;
CREATE UNIQUE INDEX idx_circle_members_nickname ON circle_members (circle_id, lower(nickname)) WHERE is_active;

CREATE TABLE question_templates (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    category        text NOT NULL CHECK (category IN ('kindness', 'fun', 'talents', 'school', 'friendship', 'character', 'creativity', 'sports')),
    question_text   text NOT NULL UNIQUE CHECK (char_length(question_text) BETWEEN 5 AND 120),
    emoji           text NOT NULL CHECK (char_length(emoji) BETWEEN 1 AND 16),
    usage_count     integer NOT NULL DEFAULT 0 CHECK (usage_count >= 0),
    is_active       boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_templates_popular ON question_templates (usage_count DESC) WHERE is_active;
CREATE INDEX idx_templates_category ON question_templates (category, is_active);

CREATE TABLE polls (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    circle_id           uuid NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    creator_id          uuid REFERENCES users (id) ON DELETE SET NULL,
    template_id         uuid NOT NULL REFERENCES question_templates (id),
    question_text       text NOT NULL CHECK (char_length(question_text) BETWEEN 5 AND 120),
    deadline            timestamptz NOT NULL,
    is_anonymous        boolean NOT NULL DEFAULT true CHECK (is_anonymous),
    is_active           boolean NOT NULL DEFAULT true,
    is_closed           boolean NOT NULL DEFAULT false,
    closed_at           timestamptz,
    total_votes         integer NOT NULL DEFAULT 0 CHECK (total_votes >= 0),
    -- members who could vote when the poll opened; the poll closes early once all of them voted
    eligible_voters     integer NOT NULL CHECK (eligible_voters >= 0),
    -- bumped on every visible change; the ETag of a poll and of its results
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (deadline > created_at),
    CHECK (is_closed = (closed_at IS NOT NULL)),
    CHECK (total_votes <= eligible_voters)
);
CREATE INDEX idx_polls_circle_active ON polls (circle_id, deadline, is_active) WHERE is_active AND NOT is_closed;
CREATE INDEX idx_polls_deadline ON polls (deadline) WHERE is_active AND NOT is_closed;
CREATE INDEX idx_polls_circle_recent ON polls (circle_id, created_at DESC) WHERE is_active;

CREATE TABLE poll_options (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    poll_id             uuid NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    member_id           uuid REFERENCES circle_members (id) ON DELETE SET NULL,
    member_nickname     text NOT NULL CHECK (char_length(member_nickname) BETWEEN 1 AND 30),
    display_order       integer NOT NULL CHECK (display_order >= 0),
    vote_count          integer NOT NULL DEFAULT 0 CHECK (vote_count >= 0),
    UNIQUE (poll_id, display_order),
    UNIQUE (poll_id, member_id)
);
CREATE INDEX idx_poll_options_poll ON poll_options (poll_id);

-- One row per (poll, voter): a keyed hash of poll id + user id, nothing else, no timestamp.
-- The primary key enforces one vote per user per poll under concurrency.
CREATE TABLE poll_participations (
    poll_id      uuid NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    voter_hash   bytea NOT NULL CHECK (octet_length(voter_hash) = 32),
    PRIMARY KEY (poll_id, voter_hash)
);

CREATE TABLE notification_settings (
    user_id         uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    poll_start      boolean NOT NULL DEFAULT true,
    poll_deadline   boolean NOT NULL DEFAULT true,
    poll_result     boolean NOT NULL DEFAULT true,
    quiet_enabled   boolean NOT NULL DEFAULT false,
    quiet_start     time NOT NULL DEFAULT '22:00',
    quiet_end       time NOT NULL DEFAULT '07:00',
    max_per_day     integer NOT NULL DEFAULT 20 CHECK (max_per_day BETWEEN 0 AND 100),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reports (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    reporter_id   uuid REFERENCES users (id) ON DELETE SET NULL,
    target_type   text NOT NULL CHECK (target_type IN ('circle', 'member', 'poll')),
    target_id     uuid NOT NULL,
    reason        text NOT NULL CHECK (reason IN ('bullying', 'inappropriate_name', 'spam', 'self_harm', 'other')),
    details       text CHECK (char_length(details) <= 1000),
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'reviewed', 'actioned', 'dismissed')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    reviewed_at   timestamptz
);
CREATE INDEX idx_reports_status ON reports (status, created_at) WHERE status = 'pending';
CREATE INDEX idx_reports_target ON reports (target_type, target_id);

CREATE TABLE analytics_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         uuid REFERENCES users (id) ON DELETE SET NULL,
    event_name      text NOT NULL CHECK (event_name ~ '^[a-z][a-z0-9_]{1,63}$'),
    event_category  text NOT NULL CHECK (event_category ~ '^[a-z][a-z0-9_]{1,31}$'),
    properties      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_analytics_time ON analytics_events (created_at DESC);
CREATE INDEX idx_analytics_user ON analytics_events (user_id, created_at DESC);

-- Transactional outbox: written in the same transaction as the change it announces.
CREATE TABLE outbox_events (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_type      text NOT NULL CHECK (event_type ~ '^[A-Z][A-Za-z]{2,63}$'),
    payload         jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    dispatched_at   timestamptz,
    attempts        integer NOT NULL DEFAULT 0
);
CREATE INDEX idx_outbox_pending ON outbox_events (created_at) WHERE dispatched_at IS NULL;

CREATE TABLE admin_audit_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor         text NOT NULL CHECK (char_length(actor) BETWEEN 1 AND 200),
    action        text NOT NULL CHECK (char_length(action) BETWEEN 1 AND 100),
    target_type   text NOT NULL,
    target_id     text NOT NULL,
    details       jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_admin_audit_time ON admin_audit_log (created_at DESC);
