-- Notifications: the daily push cap and the one view of users other modules may read.

-- Pushes counted per user per local calendar day (the user's time zone decides the day), for
-- notification_settings.max_per_day. One atomic upsert per fan-out batch; the cleanup timer drops
-- days that have ended everywhere.
CREATE TABLE notification_daily_counts (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    local_date  date NOT NULL,
    pushes      integer NOT NULL CHECK (pushes > 0),
    PRIMARY KEY (user_id, local_date)
);
CREATE INDEX idx_notification_daily_counts_date ON notification_daily_counts (local_date);

-- Published by the Users module: the time zone of every active user. The Notifications module
-- joins it to read everyone's delivery preferences in one query without touching the users table.
CREATE VIEW user_time_zones AS
    SELECT id AS user_id, time_zone FROM users WHERE is_active;
