-- Volunteers an organizer invites to check people in at one event: the invitation link's
-- token (by hash) works once and becomes the volunteer's scanner session (by hash), which
-- ends a day after the event or when the organizer revokes it.
-- +goose Up
CREATE TABLE volunteers (
    id           text PRIMARY KEY,
    event_id     text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name         text NOT NULL,
    invite_hash  bytea NOT NULL UNIQUE,
    session_hash bytea UNIQUE,
    expires_at   timestamptz NOT NULL,
    claimed_at   timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL,
    created_by   text NOT NULL
);
CREATE INDEX volunteers_event_idx ON volunteers (event_id);

-- +goose Down
DROP TABLE volunteers;
