-- The members related to each organization, kept as rows: those it created
-- (organization_members) and those with attendance at its events (see the PostgreSQL
-- migration). Triggers write a row the first time a relation appears; a relation once made
-- is never unmade, so attendance never moves to another member or event, nor an event to
-- another organization.
-- +goose Up
CREATE TABLE related_members (
    organization_id TEXT NOT NULL,
    member_id       TEXT NOT NULL,
    PRIMARY KEY (organization_id, member_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO related_members (organization_id, member_id)
SELECT organization_id, member_id FROM organization_members
UNION
SELECT e.organization_id, a.member_id FROM attendance a JOIN events e ON e.id = a.event_id;

-- +goose StatementBegin
CREATE TRIGGER attendance_related AFTER INSERT ON attendance BEGIN
    INSERT OR IGNORE INTO related_members (organization_id, member_id)
    SELECT organization_id, NEW.member_id FROM events WHERE id = NEW.event_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organization_members_related AFTER INSERT ON organization_members BEGIN
    INSERT OR IGNORE INTO related_members (organization_id, member_id) VALUES (NEW.organization_id, NEW.member_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attendance_stays BEFORE UPDATE OF member_id, event_id ON attendance
    WHEN OLD.member_id IS NOT NEW.member_id OR OLD.event_id IS NOT NEW.event_id
BEGIN SELECT RAISE(ABORT, 'an attendance stays with its member and event'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_organization_stays BEFORE UPDATE OF organization_id ON events
    WHEN OLD.organization_id IS NOT NEW.organization_id
BEGIN SELECT RAISE(ABORT, 'an event stays with its organization'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organization_members_stay BEFORE UPDATE OF organization_id, member_id ON organization_members
    WHEN OLD.organization_id IS NOT NEW.organization_id OR OLD.member_id IS NOT NEW.member_id
BEGIN SELECT RAISE(ABORT, 'a member''s organization relation stays'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organization_members_kept BEFORE DELETE ON organization_members
BEGIN SELECT RAISE(ABORT, 'organization_members rows are never deleted: the ledger keeps them'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER organization_members_kept;
DROP TRIGGER organization_members_stay;
DROP TRIGGER events_organization_stays;
DROP TRIGGER attendance_stays;
DROP TRIGGER organization_members_related;
DROP TRIGGER attendance_related;
DROP TABLE related_members;
