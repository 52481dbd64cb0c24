-- A share link: a member's read-only link to one program period of their record, for
-- whoever they give it to (an employer). Only the SHA-256 of its 128-bit secret is kept.
-- It works until expires_at or revoked_at (the member's revocation, or their account's
-- disabling). views and last_viewed_at count the page's openings; nothing about the
-- viewer is kept.
-- +goose Up
CREATE TABLE share_links (
    id             text PRIMARY KEY,
    member_id      text NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    token_hash     bytea NOT NULL,
    label          text NOT NULL,
    program_id     text NOT NULL,
    program_name   text NOT NULL,
    period_start   date NOT NULL,
    period_end     date NOT NULL,
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    views          integer NOT NULL DEFAULT 0 CHECK (views >= 0),
    last_viewed_at timestamptz
);
CREATE UNIQUE INDEX share_links_token_key ON share_links (token_hash);
CREATE INDEX share_links_member ON share_links (member_id, created_at);

-- +goose Down
DROP TABLE share_links;
