-- Virtual attendance: each line of a session's participants report (a Zoom export or an
-- email,join,leave file), matched to a member by email when one has it. Kept, like
-- check-ins, as long as the attendance they support; convert merges a person's intervals.
-- +goose Up
CREATE TABLE participant_intervals (
    id          TEXT PRIMARY KEY,
    report_id   TEXT NOT NULL,
    event_id    TEXT NOT NULL REFERENCES events (id) ON DELETE RESTRICT,
    session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE RESTRICT,
    member_id   TEXT REFERENCES members (id) ON DELETE RESTRICT,
    email       TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    joined_at   TIMESTAMP NOT NULL,
    left_at     TIMESTAMP NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    imported_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX participant_intervals_event_idx ON participant_intervals (event_id, session_id, member_id);
CREATE INDEX participant_intervals_member_idx ON participant_intervals (member_id);

-- +goose Down
DROP TABLE participant_intervals;
