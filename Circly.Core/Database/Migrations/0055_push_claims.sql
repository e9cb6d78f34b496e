-- Issue 17: the push claims move from Table Storage to PostgreSQL. A claim on (event, device) is
-- what makes a push go out at most once per device however often its event is fanned out; in a
-- store that can lose its last acknowledged writes (Azurite killed), a redelivered fan-out found no
-- claims and pushed everything again. Here a claim is as durable as the outbox event it belongs to.
--
-- No user id and no vote: device_key is a keyed hash of the push token, owner_key a keyed hash of
-- the user (account deletion finds a user's rows by it); the key lives in Key Vault, not here.
-- receipt_token is the token itself, kept only while a receipt is due (a DeviceNotRegistered
-- receipt deactivates that token) and cleared once the receipt is checked.
CREATE TABLE push_claims (
    event_id           uuid NOT NULL,
    device_key         text NOT NULL,
    owner_key          text NOT NULL,
    batch_id           uuid NOT NULL,
    status             text NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'ok', 'error', 'rejected', 'unknown')),
    ticket_id          text,
    error              text,
    created_at         timestamptz NOT NULL,
    receipt_token      text,
    receipt_status     text CHECK (receipt_status IN ('ok', 'error', 'expired')),
    receipt_error      text,
    receipt_checked_at timestamptz,
    PRIMARY KEY (event_id, device_key)
);

-- The receipt timer's "tickets due": accepted, receipt not checked yet, oldest first (keyset read).
CREATE INDEX idx_push_claims_receipts_due ON push_claims (created_at, event_id, device_key)
    WHERE status = 'ok' AND receipt_checked_at IS NULL;

-- Retention deletes by age; account deletion by owner.
CREATE INDEX idx_push_claims_created ON push_claims (created_at);
CREATE INDEX idx_push_claims_owner ON push_claims (owner_key);

-- The daily push cap counts events, not fan-out runs: a redelivered event that is fanned out again
-- must not spend a recipient's cap a second time. event_ids lists the events counted that day
-- (at most max_per_day, i.e. 100); the user could already see each of them in their inbox.
ALTER TABLE notification_daily_counts ADD COLUMN event_ids uuid[] NOT NULL DEFAULT '{}';
