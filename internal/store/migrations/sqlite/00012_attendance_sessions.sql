-- Attendance keeps its attended sessions in one JSON array, [{"session_id", "ceus"}] in the
-- event's order, instead of a row per session: a 10,000-attendee roster of four sessions
-- writes 10,000 checked rows for them, not 40,000. What the old rows' keys enforced, the
-- database still enforces:
-- * attendance_sessions.session_id REFERENCES sessions ON DELETE RESTRICT becomes triggers:
--   attendance_sessions_insert and attendance_sessions_update refuse a listed session that
--   is not a session of the attendance's own event (stricter than before), one listed twice,
--   or one without CEUs > 0; sessions_attended_restrict refuses to delete a session that
--   attendance lists.
-- * attendance_sessions.attendance_id REFERENCES attendance ON DELETE CASCADE needs nothing:
--   the sessions are a column of the attendance.
-- * UNIQUE (session_id, member_id), one credit per member and session, is UNIQUE (event_id,
--   member_id) on attendance with the checks above: a session belongs to one event, and a
--   member's one attendance at that event lists it at most once.
-- Existing rows move into the array; attendance_sessions stays as a view, for reading.
-- +goose Up
ALTER TABLE attendance ADD COLUMN sessions JSON NOT NULL DEFAULT '[]' CHECK (json_type(sessions) = 'array');
UPDATE attendance SET sessions = (
    SELECT json_group_array(json_object('session_id', x.session_id, 'ceus', x.ceus)) FROM (
        SELECT x.session_id, x.ceus FROM attendance_sessions x JOIN sessions s ON s.id = x.session_id
        WHERE x.attendance_id = attendance.id ORDER BY s.position) x)
WHERE id IN (SELECT attendance_id FROM attendance_sessions);
DROP TABLE attendance_sessions;

CREATE VIEW attendance_sessions AS
SELECT a.id AS attendance_id, a.event_id, json_extract(j.value, '$.session_id') AS session_id, a.member_id,
       json_extract(j.value, '$.ceus') AS ceus
FROM attendance a, json_each(a.sessions) j;

-- +goose StatementBegin
CREATE TRIGGER attendance_sessions_insert BEFORE INSERT ON attendance
WHEN EXISTS (SELECT 1 FROM json_each(NEW.sessions) j
             WHERE COALESCE(json_extract(j.value, '$.ceus'), 0) <= 0 OR NOT EXISTS (SELECT 1 FROM sessions s
                   WHERE s.id = json_extract(j.value, '$.session_id') AND s.event_id = NEW.event_id))
  OR json_array_length(NEW.sessions) <> (SELECT count(DISTINCT json_extract(j.value, '$.session_id')) FROM json_each(NEW.sessions) j)
BEGIN
    SELECT RAISE(ABORT, 'attendance lists a session that is not one of its event''s, twice, or without CEUs');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attendance_sessions_update BEFORE UPDATE OF sessions, event_id ON attendance
WHEN EXISTS (SELECT 1 FROM json_each(NEW.sessions) j
             WHERE COALESCE(json_extract(j.value, '$.ceus'), 0) <= 0 OR NOT EXISTS (SELECT 1 FROM sessions s
                   WHERE s.id = json_extract(j.value, '$.session_id') AND s.event_id = NEW.event_id))
  OR json_array_length(NEW.sessions) <> (SELECT count(DISTINCT json_extract(j.value, '$.session_id')) FROM json_each(NEW.sessions) j)
BEGIN
    SELECT RAISE(ABORT, 'attendance lists a session that is not one of its event''s, twice, or without CEUs');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sessions_attended_restrict BEFORE DELETE ON sessions
WHEN EXISTS (SELECT 1 FROM attendance a, json_each(a.sessions) j
             WHERE a.event_id = OLD.event_id AND json_extract(j.value, '$.session_id') = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'the session is attended');
END;
-- +goose StatementEnd

-- Rosters find members by email compared lowercased.
CREATE INDEX members_email_lower_idx ON members (lower(email));

-- Rosters write attendance history by the thousand, none of it about an activity: the
-- activity index keeps only the rows that are.
DROP INDEX history_activity_idx;
CREATE INDEX history_activity_idx ON history (activity_id, at) WHERE activity_id IS NOT NULL;

-- +goose Down
DROP INDEX history_activity_idx;
CREATE INDEX history_activity_idx ON history (activity_id, at);
DROP INDEX members_email_lower_idx;
DROP TRIGGER sessions_attended_restrict;
DROP TRIGGER attendance_sessions_update;
DROP TRIGGER attendance_sessions_insert;
DROP VIEW attendance_sessions;
CREATE TABLE attendance_sessions (
    attendance_id TEXT NOT NULL REFERENCES attendance (id) ON DELETE CASCADE,
    session_id    TEXT NOT NULL REFERENCES sessions (id) ON DELETE RESTRICT,
    member_id     TEXT NOT NULL,
    ceus          INTEGER NOT NULL CHECK (ceus > 0),
    PRIMARY KEY (attendance_id, session_id),
    UNIQUE (session_id, member_id)
);
INSERT INTO attendance_sessions (attendance_id, session_id, member_id, ceus)
SELECT a.id, json_extract(j.value, '$.session_id'), a.member_id, json_extract(j.value, '$.ceus')
FROM attendance a, json_each(a.sessions) j;
ALTER TABLE attendance DROP COLUMN sessions;
