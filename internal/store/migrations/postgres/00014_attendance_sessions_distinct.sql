-- The check of attendance's sessions (migration 00012) looks at each distinct list of
-- sessions a statement writes, not at every row: the rows of a roster share a handful of
-- lists, so a 10,000-row roster checks a few lists instead of 40,000 sessions. What it
-- refuses is unchanged: a session listed twice, one not of the attendance's event, or one
-- without CEUs > 0.
-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION attendance_sessions_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT event_id, sessions FROM written) a
               CROSS JOIN LATERAL jsonb_to_recordset(a.sessions) AS x (session_id text, ceus integer)
               LEFT JOIN sessions s ON s.id = x.session_id AND s.event_id = a.event_id
               GROUP BY a.event_id, a.sessions, x.session_id
               HAVING count(*) > 1 OR bool_or(s.id IS NULL OR x.ceus IS NULL OR x.ceus <= 0)) THEN
        RAISE EXCEPTION 'attendance lists a session twice, one that is not of its event, or one without CEUs'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION attendance_sessions_check() RETURNS trigger LANGUAGE plpgsql AS $$
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
