-- Check-ins recorded at the door (a scanned code, a staff search, a member's self check-in
-- code, or a batch from an offline scanner): evidence of presence in one session, never
-- deleted; a mistaken one is voided with a reason. A batch item's client-generated id makes
-- a resent batch harmless. A member's check-in token version lets one member's code be
-- revoked without rotating the key for everyone.
-- +goose Up
CREATE TABLE check_ins (
    id          TEXT PRIMARY KEY,
    event_id    TEXT NOT NULL REFERENCES events (id) ON DELETE RESTRICT,
    session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE RESTRICT,
    member_id   TEXT NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    method      TEXT NOT NULL CHECK (method IN ('scan', 'manual', 'self_code', 'batch')),
    client_id   TEXT,
    recorded_by TEXT NOT NULL DEFAULT '',
    device_time TIMESTAMP,
    received_at TIMESTAMP NOT NULL,
    offline     BOOLEAN NOT NULL DEFAULT 0,
    clock_flag  BOOLEAN NOT NULL DEFAULT 0,
    voided_at   TIMESTAMP,
    voided_by   TEXT NOT NULL DEFAULT '',
    void_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX check_ins_event_idx ON check_ins (event_id, session_id, member_id);
CREATE INDEX check_ins_member_idx ON check_ins (member_id);
CREATE UNIQUE INDEX check_ins_client_key ON check_ins (event_id, client_id) WHERE client_id IS NOT NULL;
ALTER TABLE members ADD COLUMN checkin_token_version INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE members DROP COLUMN checkin_token_version;
DROP TABLE check_ins;
