-- A share link: a member's read-only link to one program period of their record, for
-- whoever they give it to (an employer). Only the SHA-256 of its 128-bit secret is kept.
-- It works until expires_at or revoked_at (the member's revocation, or their account's
-- disabling). views and last_viewed_at count the page's openings; nothing about the
-- viewer is kept.
-- +goose Up
CREATE TABLE share_links (
    id             TEXT PRIMARY KEY,
    member_id      TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    token_hash     BLOB NOT NULL,
    label          TEXT NOT NULL,
    program_id     TEXT NOT NULL,
    program_name   TEXT NOT NULL,
    period_start   DATE NOT NULL,
    period_end     DATE NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP NOT NULL,
    revoked_at     TIMESTAMP,
    views          INTEGER NOT NULL DEFAULT 0 CHECK (views >= 0),
    last_viewed_at TIMESTAMP
);
CREATE UNIQUE INDEX share_links_token_key ON share_links (token_hash);
CREATE INDEX share_links_member ON share_links (member_id, created_at);

-- +goose Down
DROP TABLE share_links;
