-- The members related to each organization, kept as rows: those it created
-- (organization_members) and those with attendance at its events. Asking whether an
-- organization sees a member, or walking its members in id order (its member list, its
-- standing), was a probe of the member's attendance joined to the events, for every member
-- asked; it is now one key of this table. Triggers write a row the first time a relation
-- appears, in the statement that makes it. A relation once made is never unmade: neither
-- attendance nor organization_members rows are deleted, and an attendance never moves to
-- another member or event, nor an event to another organization (refused below).
-- +goose Up
CREATE TABLE related_members (
    organization_id text NOT NULL,
    member_id       text NOT NULL,
    PRIMARY KEY (organization_id, member_id)
);
INSERT INTO related_members (organization_id, member_id)
SELECT organization_id, member_id FROM organization_members
UNION
SELECT e.organization_id, a.member_id FROM attendance a JOIN events e ON e.id = a.event_id;

-- +goose StatementBegin
CREATE FUNCTION related_by_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO related_members (organization_id, member_id)
    SELECT DISTINCT e.organization_id, w.member_id FROM written w JOIN events e ON e.id = w.event_id
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER attendance_related AFTER INSERT ON attendance REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION related_by_attendance();

-- +goose StatementBegin
CREATE FUNCTION related_by_creation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO related_members (organization_id, member_id)
    SELECT DISTINCT organization_id, member_id FROM written
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER organization_members_related AFTER INSERT ON organization_members REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION related_by_creation();

-- +goose StatementBegin
CREATE FUNCTION relation_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an attendance stays with its member and event, and an event with its organization'
        USING ERRCODE = 'restrict_violation';
END $$;
-- +goose StatementEnd
CREATE TRIGGER attendance_stays BEFORE UPDATE OF member_id, event_id ON attendance FOR EACH ROW
    WHEN (OLD.member_id IS DISTINCT FROM NEW.member_id OR OLD.event_id IS DISTINCT FROM NEW.event_id)
    EXECUTE FUNCTION relation_kept();
CREATE TRIGGER events_organization_stays BEFORE UPDATE OF organization_id ON events FOR EACH ROW
    WHEN (OLD.organization_id IS DISTINCT FROM NEW.organization_id)
    EXECUTE FUNCTION relation_kept();
CREATE TRIGGER organization_members_stay BEFORE UPDATE OF organization_id, member_id ON organization_members FOR EACH ROW
    WHEN (OLD.organization_id IS DISTINCT FROM NEW.organization_id OR OLD.member_id IS DISTINCT FROM NEW.member_id)
    EXECUTE FUNCTION relation_kept();
CREATE TRIGGER organization_members_kept BEFORE DELETE ON organization_members FOR EACH STATEMENT EXECUTE FUNCTION ledger_rows_kept();

-- +goose Down
DROP TRIGGER organization_members_kept ON organization_members;
DROP TRIGGER organization_members_stay ON organization_members;
DROP TRIGGER events_organization_stays ON events;
DROP TRIGGER attendance_stays ON attendance;
DROP FUNCTION relation_kept();
DROP TRIGGER organization_members_related ON organization_members;
DROP FUNCTION related_by_creation();
DROP TRIGGER attendance_related ON attendance;
DROP FUNCTION related_by_attendance();
DROP TABLE related_members;
