-- Each member's ledger version, in member_ledger: a number that changes with anything their
-- progress reads — their record (attendance with its sessions, activities, clinical entries,
-- leave, licences), their member row, and the events, sessions and organizations their credits
-- come from. Triggers keep it, so no write path can forget it; progress answers are cached by
-- it. A member without a row is at version 0. The table is narrow and apart from members, so
-- a roster's bumps write small rows rather than rewrite wide member rows and their indexes.
-- +goose Up
CREATE TABLE member_ledger (
    member_id TEXT PRIMARY KEY,
    version   INTEGER NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER members_ledger_upd AFTER UPDATE ON members
BEGIN
    INSERT INTO member_ledger (member_id, version) VALUES (NEW.id, 1) ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attendance_ledger_ins AFTER INSERT ON attendance
BEGIN
    INSERT INTO member_ledger (member_id, version) VALUES (NEW.member_id, 1) ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attendance_ledger_upd AFTER UPDATE ON attendance
BEGIN
    INSERT INTO member_ledger (member_id, version) SELECT DISTINCT member_id, 1 FROM (SELECT OLD.member_id AS member_id UNION SELECT NEW.member_id) WHERE true ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attendance_ledger_del AFTER DELETE ON attendance
BEGIN
    INSERT INTO member_ledger (member_id, version) VALUES (OLD.member_id, 1) ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER activities_ledger_ins AFTER INSERT ON activities
BEGIN
    INSERT INTO member_ledger (member_id, version) VALUES (NEW.member_id, 1) ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER activities_ledger_upd AFTER UPDATE ON activities
BEGIN
    INSERT INTO member_ledger (member_id, version) SELECT DISTINCT member_id, 1 FROM (SELECT OLD.member_id AS member_id UNION SELECT NEW.member_id) WHERE true ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER activities_ledger_del AFTER DELETE ON activities
BEGIN
    INSERT INTO member_ledger (member_id, version) VALUES (OLD.member_id, 1) ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER clinical_entries_ledger_ins AFTER INSERT ON clinical_entries
BEGIN
    INSERT INTO member_ledger (member_id, version) VALUES (NEW.member_id, 1) ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER clinical_entries_ledger_upd AFTER UPDATE ON clinical_entries
BEGIN
    INSERT INTO member_ledger (member_id, version) SELECT DISTINCT member_id, 1 FROM (SELECT OLD.member_id AS member_id UNION SELECT NEW.member_id) WHERE true ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER clinical_entries_ledger_del AFTER DELETE ON clinical_entries
BEGIN
    INSERT INTO member_ledger (member_id, version) VALUES (OLD.member_id, 1) ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER leave_periods_ledger_ins AFTER INSERT ON leave_periods
BEGIN
    INSERT INTO member_ledger (member_id, version) VALUES (NEW.member_id, 1) ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER leave_periods_ledger_upd AFTER UPDATE ON leave_periods
BEGIN
    INSERT INTO member_ledger (member_id, version) SELECT DISTINCT member_id, 1 FROM (SELECT OLD.member_id AS member_id UNION SELECT NEW.member_id) WHERE true ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER leave_periods_ledger_del AFTER DELETE ON leave_periods
BEGIN
    INSERT INTO member_ledger (member_id, version) VALUES (OLD.member_id, 1) ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER member_licenses_ledger_ins AFTER INSERT ON member_licenses
BEGIN
    INSERT INTO member_ledger (member_id, version) VALUES (NEW.member_id, 1) ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER member_licenses_ledger_upd AFTER UPDATE ON member_licenses
BEGIN
    INSERT INTO member_ledger (member_id, version) SELECT DISTINCT member_id, 1 FROM (SELECT OLD.member_id AS member_id UNION SELECT NEW.member_id) WHERE true ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER member_licenses_ledger_del AFTER DELETE ON member_licenses
BEGIN
    INSERT INTO member_ledger (member_id, version) VALUES (OLD.member_id, 1) ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_ledger_upd AFTER UPDATE ON events
BEGIN
    INSERT INTO member_ledger (member_id, version) SELECT DISTINCT member_id, 1 FROM attendance WHERE event_id = NEW.id ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sessions_ledger_upd AFTER UPDATE ON sessions
BEGIN
    INSERT INTO member_ledger (member_id, version) SELECT DISTINCT member_id, 1 FROM attendance WHERE event_id = NEW.event_id ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organizations_ledger_upd AFTER UPDATE ON organizations
BEGIN
    INSERT INTO member_ledger (member_id, version) SELECT DISTINCT a.member_id, 1 FROM attendance a JOIN events e ON e.id = a.event_id WHERE e.organization_id = NEW.id ON CONFLICT (member_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER members_ledger_upd;
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
DROP TABLE member_ledger;
