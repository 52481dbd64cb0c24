-- A request to change an account's e-mail address: the link e-mailed to the new address
-- carries the token (kept by hash); the address changes only when the link is followed.
-- +goose Up
CREATE TABLE email_changes (
    token_hash bytea PRIMARY KEY,
    user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    new_email  text NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL
);
CREATE INDEX email_changes_user_idx ON email_changes (user_id);

-- +goose Down
DROP TABLE email_changes;
