-- A request to change an account's e-mail address: the link e-mailed to the new address
-- carries the token (kept by hash); the address changes only when the link is followed.
-- +goose Up
CREATE TABLE email_changes (
    token_hash BLOB PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    new_email  TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX email_changes_user_idx ON email_changes (user_id);

-- +goose Down
DROP TABLE email_changes;
