-- Attendance keeps its attended sessions in one JSON array, [{"session_id", "ceus"}] in the
-- event's order, instead of a row per session: a 10,000-attendee roster of four sessions
-- writes 10,000 checked rows for them, not 40,000. What the old rows' keys enforced, the
-- database still enforces:
-- * attendance_sessions.session_id REFERENCES sessions ON DELETE RESTRICT becomes two
--   triggers: attendance_sessions_check (after each statement writing attendance, over all its
--   rows at once) refuses a listed session that is not a session of the attendance's own
--   event (stricter than before), one listed twice, or one without CEUs > 0; and
--   sessions_attended_restrict refuses to delete a session that attendance lists.
-- * attendance_sessions.attendance_id REFERENCES attendance ON DELETE CASCADE needs nothing:
--   the sessions are a column of the attendance.
-- * UNIQUE (session_id, member_id), one credit per member and session, is UNIQUE (event_id,
--   member_id) on attendance with the check above: a session belongs to one event, and a
--   member's one attendance at that event lists it at most once.
-- Existing rows move into the array; attendance_sessions stays as a view, for reading.
-- +goose Up
ALTER TABLE attendance ADD COLUMN sessions jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(sessions) = 'array');
UPDATE attendance a SET sessions = x.sessions
FROM (SELECT x.attendance_id, jsonb_agg(jsonb_build_object('session_id', x.session_id, 'ceus', x.ceus) ORDER BY s.position) AS sessions
      FROM attendance_sessions x JOIN sessions s ON s.id = x.session_id GROUP BY x.attendance_id) x
WHERE x.attendance_id = a.id;
DROP TABLE attendance_sessions;

CREATE VIEW attendance_sessions AS
SELECT a.id AS attendance_id, a.event_id, x.session_id, a.member_id, x.ceus
FROM attendance a CROSS JOIN LATERAL jsonb_to_recordset(a.sessions) AS x (session_id text, ceus integer);

-- +goose StatementBegin
CREATE FUNCTION attendance_sessions_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One pass over every listed session of every row written.
    IF EXISTS (SELECT 1 FROM written a CROSS JOIN LATERAL jsonb_to_recordset(a.sessions) AS x (session_id text, ceus integer)
               LEFT JOIN sessions s ON s.id = x.session_id AND s.event_id = a.event_id
               GROUP BY a.id, x.session_id
               HAVING count(*) > 1 OR bool_or(s.id IS NULL OR x.ceus IS NULL OR x.ceus <= 0)) THEN
        RAISE EXCEPTION 'attendance lists a session twice, one that is not of its event, or one without CEUs'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER attendance_sessions_insert AFTER INSERT ON attendance REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_sessions_check();
CREATE TRIGGER attendance_sessions_update AFTER UPDATE ON attendance REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_sessions_check();

-- +goose StatementBegin
CREATE FUNCTION sessions_attended_restrict() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM attendance a WHERE a.event_id = OLD.event_id
               AND a.sessions @> jsonb_build_array(jsonb_build_object('session_id', OLD.id))) THEN
        RAISE EXCEPTION 'session % is attended', OLD.id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END $$;
-- +goose StatementEnd
CREATE TRIGGER sessions_attended_restrict BEFORE DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_attended_restrict();

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
DROP TRIGGER sessions_attended_restrict ON sessions;
DROP FUNCTION sessions_attended_restrict();
DROP TRIGGER attendance_sessions_update ON attendance;
DROP TRIGGER attendance_sessions_insert ON attendance;
DROP FUNCTION attendance_sessions_check();
DROP VIEW attendance_sessions;
CREATE TABLE attendance_sessions (
    attendance_id text NOT NULL REFERENCES attendance (id) ON DELETE CASCADE,
    session_id    text NOT NULL REFERENCES sessions (id) ON DELETE RESTRICT,
    member_id     text NOT NULL,
    ceus          integer NOT NULL CHECK (ceus > 0),
    PRIMARY KEY (attendance_id, session_id),
    UNIQUE (session_id, member_id)
);
INSERT INTO attendance_sessions (attendance_id, session_id, member_id, ceus)
SELECT a.id, x.session_id, a.member_id, x.ceus
FROM attendance a CROSS JOIN LATERAL jsonb_to_recordset(a.sessions) AS x (session_id text, ceus integer);
ALTER TABLE attendance DROP COLUMN sessions;
