-- CE events with their sessions, attendance (by session, or CEUs awarded without a
-- breakdown), the append-only history of every change to credit, and idempotency keys.
-- +goose Up
CREATE TABLE events (
    id              text PRIMARY KEY,
    organization_id text NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description     text,
    format          text NOT NULL CHECK (format IN ('in_person', 'live_webinar', 'self_directed', 'simulation')),
    location        text,
    url             text,
    time_zone       text NOT NULL,
    start_date      date NOT NULL,
    end_date        date NOT NULL CHECK (end_date >= start_date),
    status          text NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
    approval_ref    text,
    category        text NOT NULL CHECK (category IN ('I', 'II', 'III')),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL,
    created_by      text NOT NULL,
    updated_at      timestamptz NOT NULL,
    updated_by      text NOT NULL
);
CREATE INDEX events_organization_idx ON events (organization_id, start_date);
CREATE INDEX events_catalogue_idx ON events (status, start_date, id);

CREATE TABLE sessions (
    id         text PRIMARY KEY,
    event_id   text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position   integer NOT NULL,
    title      text NOT NULL,
    date       date NOT NULL,
    start_time text,
    end_time   text,
    ceus       integer NOT NULL CHECK (ceus > 0),
    topics     text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_event_idx ON sessions (event_id, position);

CREATE TABLE attendance (
    id            text PRIMARY KEY,
    event_id      text NOT NULL REFERENCES events (id) ON DELETE RESTRICT,
    member_id     text NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    ceus_awarded  integer NOT NULL DEFAULT 0 CHECK (ceus_awarded >= 0),
    revoked_at    timestamptz,
    revoke_reason text,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL,
    updated_at    timestamptz NOT NULL,
    updated_by    text NOT NULL,
    UNIQUE (event_id, member_id)
);
CREATE INDEX attendance_member_idx ON attendance (member_id);

-- One row per attended session; the unique key makes double credit for a session impossible
-- and serves lookups by session. member_id copies attendance.member_id for that key alone, so
-- it needs no foreign key of its own (one check less per row of large rosters).
CREATE TABLE attendance_sessions (
    attendance_id text NOT NULL REFERENCES attendance (id) ON DELETE CASCADE,
    session_id    text NOT NULL REFERENCES sessions (id) ON DELETE RESTRICT,
    member_id     text NOT NULL,
    ceus          integer NOT NULL CHECK (ceus > 0),
    PRIMARY KEY (attendance_id, session_id),
    UNIQUE (session_id, member_id)
);

-- One history for everything that changes a member's credit: attendance here, and (from a
-- later migration) self-reported activities. Each row belongs to one of them.
CREATE TABLE history (
    id            text PRIMARY KEY,
    attendance_id text REFERENCES attendance (id) ON DELETE RESTRICT,
    at            timestamptz NOT NULL,
    actor         text NOT NULL,
    action        text NOT NULL CHECK (action IN ('created', 'updated', 'revoked', 'disputed', 'dispute_accepted', 'dispute_rejected',
                                                  'verified', 'rejected', 'withdrawn')),
    reason        text,
    before_state  text,
    after_state   text NOT NULL
);
CREATE INDEX history_attendance_idx ON history (attendance_id, at);

-- A replayable response per (caller, Idempotency-Key), stored with the writes it answers.
CREATE TABLE idempotency_keys (
    principal    text NOT NULL,
    key          text NOT NULL,
    request_hash text NOT NULL,
    status       integer NOT NULL,
    response     text NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
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
