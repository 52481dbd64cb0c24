-- CE events with their sessions, attendance (by session, or CEUs awarded without a
-- breakdown), the append-only history of every change to credit, and idempotency keys.
-- +goose Up
CREATE TABLE events (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description     TEXT,
    format          TEXT NOT NULL CHECK (format IN ('in_person', 'live_webinar', 'self_directed', 'simulation')),
    location        TEXT,
    url             TEXT,
    time_zone       TEXT NOT NULL,
    start_date      DATE NOT NULL,
    end_date        DATE NOT NULL CHECK (end_date >= start_date),
    status          TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
    approval_ref    TEXT,
    category        TEXT NOT NULL CHECK (category IN ('I', 'II', 'III')),
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    updated_by      TEXT NOT NULL
);
CREATE INDEX events_organization_idx ON events (organization_id, start_date);
CREATE INDEX events_catalogue_idx ON events (status, start_date, id);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    event_id   TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    date       DATE NOT NULL,
    start_time TEXT,
    end_time   TEXT,
    ceus       INTEGER NOT NULL CHECK (ceus > 0),
    topics     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_event_idx ON sessions (event_id, position);

CREATE TABLE attendance (
    id            TEXT PRIMARY KEY,
    event_id      TEXT NOT NULL REFERENCES events (id) ON DELETE RESTRICT,
    member_id     TEXT NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    ceus_awarded  INTEGER NOT NULL DEFAULT 0 CHECK (ceus_awarded >= 0),
    revoked_at    TIMESTAMP,
    revoke_reason TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    updated_by    TEXT NOT NULL,
    UNIQUE (event_id, member_id)
);
CREATE INDEX attendance_member_idx ON attendance (member_id);

-- One row per attended session; the unique key makes double credit for a session impossible
-- and serves lookups by session. member_id copies attendance.member_id for that key alone, so
-- it needs no foreign key of its own (one check less per row of large rosters).
CREATE TABLE attendance_sessions (
    attendance_id TEXT NOT NULL REFERENCES attendance (id) ON DELETE CASCADE,
    session_id    TEXT NOT NULL REFERENCES sessions (id) ON DELETE RESTRICT,
    member_id     TEXT NOT NULL,
    ceus          INTEGER NOT NULL CHECK (ceus > 0),
    PRIMARY KEY (attendance_id, session_id),
    UNIQUE (session_id, member_id)
);

-- One history for everything that changes a member's credit: attendance here, and (from a
-- later migration) self-reported activities. Each row belongs to one of them.
CREATE TABLE history (
    id            TEXT PRIMARY KEY,
    attendance_id TEXT REFERENCES attendance (id) ON DELETE RESTRICT,
    at            TIMESTAMP NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL CHECK (action IN ('created', 'updated', 'revoked', 'disputed', 'dispute_accepted', 'dispute_rejected',
                                                  'verified', 'rejected', 'withdrawn')),
    reason        TEXT,
    before_state  TEXT,
    after_state   TEXT NOT NULL
);
CREATE INDEX history_attendance_idx ON history (attendance_id, at);

-- A replayable response per (caller, Idempotency-Key), stored with the writes it answers.
CREATE TABLE idempotency_keys (
    principal    TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    response     TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE history;
DROP TABLE attendance_sessions;
DROP TABLE attendance;
DROP TABLE sessions;
DROP TABLE events;
