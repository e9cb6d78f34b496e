-- Fixed-window request counters shared by every instance of the app. UNLOGGED: counters are
-- worthless after a crash and skipping the WAL makes each hit a cheap in-memory upsert.
-- Buckets hold a hash of the client key (user id or IP address), never the address itself.
CREATE UNLOGGED TABLE rate_limit_counters (
    bucket        text NOT NULL,
    window_start  timestamptz NOT NULL,
    hits          integer NOT NULL CHECK (hits > 0),
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX idx_rate_limit_counters_window ON rate_limit_counters (window_start);
