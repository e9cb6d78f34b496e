-- Moving an account to a new phone (docs/API.md "Moving to a new phone").

-- Users module: which device binding the account is on. Bumped each time the binding moves, and
-- carried by every access and refresh token (claim dgen): a token of an earlier binding no longer
-- authenticates. Read in the same primary-key lookup that already checks the account's standing.
ALTER TABLE users ADD COLUMN device_generation integer NOT NULL DEFAULT 0 CHECK (device_generation >= 0);

-- Auth module: the binding a refresh token was issued for, copied to each successor on rotation,
-- so that a rotation racing with a transfer cannot leave the old phone a working token.
ALTER TABLE refresh_tokens ADD COLUMN device_generation integer NOT NULL DEFAULT 0;

-- Auth module: at most one transfer code per account (asking again replaces it), stored only as an
-- HMAC with the server's pepper. A used code stays until it would have expired, so that using it
-- again gets "already used" instead of "wrong"; the cleanup drops expired codes.
CREATE TABLE transfer_codes (
    user_id     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    code_hash   bytea NOT NULL UNIQUE CHECK (octet_length(code_hash) = 32),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX idx_transfer_codes_expiry ON transfer_codes (expires_at);
