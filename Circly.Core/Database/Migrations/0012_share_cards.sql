-- Share cards (issue 15): an index of the card images in the result-cards blob container, so a
-- poll's or an account's cards can be found and deleted. The image itself lives only in Blob
-- Storage, under a name that is a hash of its content (Circly.Core/Sharing/CardContent.cs).
--
-- A row says that this user received at least one vote in this poll: a closed poll's result,
-- which every member of the circle can read anyway. Nothing about who voted.
--
-- The references clear themselves (ON DELETE SET NULL) when the poll or the user row goes, so a
-- card whose owner or poll is gone is recognisable and the sweep deletes its blob, then the row.
CREATE TABLE share_cards (
    blob_name   text PRIMARY KEY CHECK (blob_name ~ '^[0-9a-f]{64}\.png$'),
    poll_id     uuid REFERENCES polls (id) ON DELETE SET NULL,
    user_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_share_cards_poll ON share_cards (poll_id);
CREATE INDEX idx_share_cards_user ON share_cards (user_id);
CREATE INDEX idx_share_cards_created ON share_cards (created_at);
