-- Each member's ledger version: a number that changes with anything their progress reads —
-- their record (attendance with its sessions, activities, clinical entries, leave, licences),
-- their member row, and the events, sessions and organizations their credits come from.
-- Triggers keep it, so no write path can forget it; progress answers are cached by it.
-- +goose Up
ALTER TABLE members ADD COLUMN ledger_version INTEGER NOT NULL DEFAULT 0;

-- A member row's own change bumps it (recursive triggers are off: the bump does not recurse).
-- +goose StatementBegin
CREATE TRIGGER members_ledger AFTER UPDATE ON members WHEN NEW.ledger_version = OLD.ledger_version
BEGIN
    UPDATE members SET ledger_version = OLD.ledger_version + 1 WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attendance_ledger_ins AFTER INSERT ON attendance
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id = NEW.member_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attendance_ledger_upd AFTER UPDATE ON attendance
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id IN (OLD.member_id, NEW.member_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attendance_ledger_del AFTER DELETE ON attendance
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id = OLD.member_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER activities_ledger_ins AFTER INSERT ON activities
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id = NEW.member_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER activities_ledger_upd AFTER UPDATE ON activities
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id IN (OLD.member_id, NEW.member_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER activities_ledger_del AFTER DELETE ON activities
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id = OLD.member_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER clinical_entries_ledger_ins AFTER INSERT ON clinical_entries
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id = NEW.member_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER clinical_entries_ledger_upd AFTER UPDATE ON clinical_entries
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id IN (OLD.member_id, NEW.member_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER clinical_entries_ledger_del AFTER DELETE ON clinical_entries
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id = OLD.member_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER leave_periods_ledger_ins AFTER INSERT ON leave_periods
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id = NEW.member_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER leave_periods_ledger_upd AFTER UPDATE ON leave_periods
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id IN (OLD.member_id, NEW.member_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER leave_periods_ledger_del AFTER DELETE ON leave_periods
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id = OLD.member_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER member_licenses_ledger_ins AFTER INSERT ON member_licenses
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id = NEW.member_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER member_licenses_ledger_upd AFTER UPDATE ON member_licenses
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id IN (OLD.member_id, NEW.member_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER member_licenses_ledger_del AFTER DELETE ON member_licenses
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id = OLD.member_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_ledger_upd AFTER UPDATE ON events
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id IN (SELECT member_id FROM attendance WHERE event_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sessions_ledger_upd AFTER UPDATE ON sessions
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id IN (SELECT member_id FROM attendance WHERE event_id = NEW.event_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organizations_ledger_upd AFTER UPDATE ON organizations
BEGIN
    UPDATE members SET ledger_version = ledger_version + 1 WHERE id IN (SELECT a.member_id FROM attendance a JOIN events e ON e.id = a.event_id WHERE e.organization_id = NEW.id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER members_ledger;
DROP TRIGGER attendance_ledger_ins;
DROP TRIGGER attendance_ledger_upd;
DROP TRIGGER attendance_ledger_del;
DROP TRIGGER activities_ledger_ins;
DROP TRIGGER activities_ledger_upd;
DROP TRIGGER activities_ledger_del;
DROP TRIGGER clinical_entries_ledger_ins;
DROP TRIGGER clinical_entries_ledger_upd;
DROP TRIGGER clinical_entries_ledger_del;
DROP TRIGGER leave_periods_ledger_ins;
DROP TRIGGER leave_periods_ledger_upd;
DROP TRIGGER leave_periods_ledger_del;
DROP TRIGGER member_licenses_ledger_ins;
DROP TRIGGER member_licenses_ledger_upd;
DROP TRIGGER member_licenses_ledger_del;
DROP TRIGGER events_ledger_upd;
DROP TRIGGER sessions_ledger_upd;
DROP TRIGGER organizations_ledger_upd;
ALTER TABLE members DROP COLUMN ledger_version;
