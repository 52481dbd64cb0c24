-- Volunteers an organizer invites to check people in at one event: the invitation link's
-- token (by hash) works once and becomes the volunteer's scanner session (by hash), which
-- ends a day after the event or when the organizer revokes it.
-- +goose Up
CREATE TABLE volunteers (
    id           TEXT PRIMARY KEY,
    event_id     TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    invite_hash  BLOB NOT NULL UNIQUE,
    session_hash BLOB UNIQUE,
    expires_at   TIMESTAMP NOT NULL,
    claimed_at   TIMESTAMP,
    revoked_at   TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE INDEX volunteers_event_idx ON volunteers (event_id);

-- +goose Down
DROP TABLE volunteers;
