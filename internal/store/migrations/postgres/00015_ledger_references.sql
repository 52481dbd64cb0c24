-- Four foreign keys that rosters check row by row become statement-level checks: a
-- 10,000-row roster made 40,000 single-row key lookups (attendance -> members and events,
-- history -> attendance and roster postings); each check below is one pass over the rows a
-- statement wrote. What the keys enforced, the database still enforces:
-- * on insert and update, every member, event, attendance and posting named exists
--   (attendance_references_check, history_references_check);
-- * ON DELETE RESTRICT on members, events, attendance and roster postings: those rows are
--   never deleted (the ledger keeps every record and its history), so deleting any is refused
--   (ledger_rows_kept), as is changing their ids (ledger_ids_kept). Since a row named is never
--   deleted or renamed, a check that finds it holds until commit: no row locks are needed.
-- The comments on the insert triggers name the references, in the form the foreign keys took,
-- so the schema test compares them with SQLite's foreign keys, which stay.
-- +goose Up
ALTER TABLE attendance DROP CONSTRAINT attendance_member_id_fkey, DROP CONSTRAINT attendance_event_id_fkey;
ALTER TABLE history DROP CONSTRAINT history_attendance_id_fkey, DROP CONSTRAINT history_posting_id_fkey;

-- +goose StatementBegin
CREATE FUNCTION attendance_references_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT member_id FROM written) w
               WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.id = w.member_id))
       OR EXISTS (SELECT 1 FROM (SELECT DISTINCT event_id FROM written) w
                  WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = w.event_id)) THEN
        RAISE EXCEPTION 'attendance names a member or an event that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER attendance_references_insert AFTER INSERT ON attendance REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_references_check();
CREATE TRIGGER attendance_references_update AFTER UPDATE ON attendance REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_references_check();
COMMENT ON TRIGGER attendance_references_insert ON attendance IS
    'references (event_id) -> events(id) on delete RESTRICT; (member_id) -> members(id) on delete RESTRICT';

-- +goose StatementBegin
CREATE FUNCTION history_references_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT attendance_id FROM written WHERE attendance_id IS NOT NULL) w
               WHERE NOT EXISTS (SELECT 1 FROM attendance a WHERE a.id = w.attendance_id))
       OR EXISTS (SELECT 1 FROM (SELECT DISTINCT posting_id FROM written WHERE posting_id IS NOT NULL) w
                  WHERE NOT EXISTS (SELECT 1 FROM roster_postings p WHERE p.id = w.posting_id)) THEN
        RAISE EXCEPTION 'history names an attendance or a roster posting that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER history_references_insert AFTER INSERT ON history REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION history_references_check();
CREATE TRIGGER history_references_update AFTER UPDATE ON history REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION history_references_check();
COMMENT ON TRIGGER history_references_insert ON history IS
    'references (attendance_id) -> attendance(id) on delete RESTRICT; (posting_id) -> roster_postings(id) on delete RESTRICT';

-- +goose StatementBegin
CREATE FUNCTION ledger_rows_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted: the ledger keeps them', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION ledger_ids_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the id of a row of % never changes', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;
-- +goose StatementEnd
CREATE TRIGGER members_kept BEFORE DELETE ON members FOR EACH STATEMENT EXECUTE FUNCTION ledger_rows_kept();
CREATE TRIGGER events_kept BEFORE DELETE ON events FOR EACH STATEMENT EXECUTE FUNCTION ledger_rows_kept();
CREATE TRIGGER attendance_kept BEFORE DELETE ON attendance FOR EACH STATEMENT EXECUTE FUNCTION ledger_rows_kept();
CREATE TRIGGER roster_postings_kept BEFORE DELETE ON roster_postings FOR EACH STATEMENT EXECUTE FUNCTION ledger_rows_kept();
CREATE TRIGGER members_id_kept BEFORE UPDATE OF id ON members FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION ledger_ids_kept();
CREATE TRIGGER events_id_kept BEFORE UPDATE OF id ON events FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION ledger_ids_kept();
CREATE TRIGGER attendance_id_kept BEFORE UPDATE OF id ON attendance FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION ledger_ids_kept();
CREATE TRIGGER roster_postings_id_kept BEFORE UPDATE OF id ON roster_postings FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION ledger_ids_kept();

-- +goose Down
DROP TRIGGER roster_postings_id_kept ON roster_postings;
DROP TRIGGER attendance_id_kept ON attendance;
DROP TRIGGER events_id_kept ON events;
DROP TRIGGER members_id_kept ON members;
DROP TRIGGER roster_postings_kept ON roster_postings;
DROP TRIGGER attendance_kept ON attendance;
DROP TRIGGER events_kept ON events;
DROP TRIGGER members_kept ON members;
DROP FUNCTION ledger_ids_kept();
DROP FUNCTION ledger_rows_kept();
DROP TRIGGER history_references_update ON history;
DROP TRIGGER history_references_insert ON history;
DROP FUNCTION history_references_check();
DROP TRIGGER attendance_references_update ON attendance;
DROP TRIGGER attendance_references_insert ON attendance;
DROP FUNCTION attendance_references_check();
ALTER TABLE history ADD CONSTRAINT history_posting_id_fkey FOREIGN KEY (posting_id) REFERENCES roster_postings (id) ON DELETE RESTRICT,
    ADD CONSTRAINT history_attendance_id_fkey FOREIGN KEY (attendance_id) REFERENCES attendance (id) ON DELETE RESTRICT;
ALTER TABLE attendance ADD CONSTRAINT attendance_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE RESTRICT,
    ADD CONSTRAINT attendance_member_id_fkey FOREIGN KEY (member_id) REFERENCES members (id) ON DELETE RESTRICT;
