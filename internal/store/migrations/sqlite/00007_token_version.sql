-- A user's token version: signing out everywhere, a new password or disabling the account
-- moves it on, and access tokens issued under an earlier version stop working.
-- +goose Up
ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN token_version;
