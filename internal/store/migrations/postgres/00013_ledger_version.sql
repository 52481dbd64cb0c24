-- Each member's ledger version, in member_ledger: a number that changes with anything their
-- progress reads — their record (attendance with its sessions, activities, clinical entries,
-- leave, licences), their member row, and the events, sessions and organizations their credits
-- come from. Triggers keep it, so no write path can forget it; progress answers are cached by
-- it. A member without a row is at version 0. The table is narrow and apart from members, so
-- a roster's bumps write small rows rather than rewrite wide member rows and their indexes.
-- Statement-level triggers with transition tables bump each member once per statement,
-- however many of their rows a roster writes, in member order, so that two rosters sharing
-- members queue rather than deadlock.
-- +goose Up
CREATE TABLE member_ledger (
    member_id text PRIMARY KEY,
    version   bigint NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION ledger_bump_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_ledger (member_id, version)
    SELECT DISTINCT member_id, 1 FROM (SELECT member_id FROM new_rows) changed ORDER BY member_id
    ON CONFLICT (member_id) DO UPDATE SET version = member_ledger.version + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION ledger_bump_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_ledger (member_id, version)
    SELECT DISTINCT member_id, 1 FROM (SELECT member_id FROM old_rows) changed ORDER BY member_id
    ON CONFLICT (member_id) DO UPDATE SET version = member_ledger.version + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION ledger_bump_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_ledger (member_id, version)
    SELECT DISTINCT member_id, 1 FROM (SELECT a.member_id FROM attendance a JOIN new_rows n ON n.id = a.event_id) changed ORDER BY member_id
    ON CONFLICT (member_id) DO UPDATE SET version = member_ledger.version + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION ledger_bump_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_ledger (member_id, version)
    SELECT DISTINCT member_id, 1 FROM (SELECT a.member_id FROM attendance a JOIN new_rows n ON n.event_id = a.event_id) changed ORDER BY member_id
    ON CONFLICT (member_id) DO UPDATE SET version = member_ledger.version + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION ledger_bump_organization() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_ledger (member_id, version)
    SELECT DISTINCT member_id, 1 FROM (SELECT a.member_id FROM attendance a JOIN events e ON e.id = a.event_id JOIN new_rows n ON n.id = e.organization_id) changed ORDER BY member_id
    ON CONFLICT (member_id) DO UPDATE SET version = member_ledger.version + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION ledger_bump_member() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_ledger (member_id, version)
    SELECT DISTINCT member_id, 1 FROM (SELECT id AS member_id FROM new_rows) changed ORDER BY member_id
    ON CONFLICT (member_id) DO UPDATE SET version = member_ledger.version + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER members_ledger_upd AFTER UPDATE ON members REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_member();
CREATE TRIGGER attendance_ledger_ins AFTER INSERT ON attendance REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_new();
CREATE TRIGGER attendance_ledger_upd AFTER UPDATE ON attendance REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_new();
CREATE TRIGGER attendance_ledger_del AFTER DELETE ON attendance REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_old();
CREATE TRIGGER activities_ledger_ins AFTER INSERT ON activities REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_new();
CREATE TRIGGER activities_ledger_upd AFTER UPDATE ON activities REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_new();
CREATE TRIGGER activities_ledger_del AFTER DELETE ON activities REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_old();
CREATE TRIGGER clinical_entries_ledger_ins AFTER INSERT ON clinical_entries REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_new();
CREATE TRIGGER clinical_entries_ledger_upd AFTER UPDATE ON clinical_entries REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_new();
CREATE TRIGGER clinical_entries_ledger_del AFTER DELETE ON clinical_entries REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_old();
CREATE TRIGGER leave_periods_ledger_ins AFTER INSERT ON leave_periods REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_new();
CREATE TRIGGER leave_periods_ledger_upd AFTER UPDATE ON leave_periods REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_new();
CREATE TRIGGER leave_periods_ledger_del AFTER DELETE ON leave_periods REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_old();
CREATE TRIGGER member_licenses_ledger_ins AFTER INSERT ON member_licenses REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_new();
CREATE TRIGGER member_licenses_ledger_upd AFTER UPDATE ON member_licenses REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_new();
CREATE TRIGGER member_licenses_ledger_del AFTER DELETE ON member_licenses REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_old();
CREATE TRIGGER events_ledger_upd AFTER UPDATE ON events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_event();
CREATE TRIGGER sessions_ledger_upd AFTER UPDATE ON sessions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_session();
CREATE TRIGGER organizations_ledger_upd AFTER UPDATE ON organizations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_bump_organization();

-- +goose Down
DROP TRIGGER attendance_ledger_ins ON attendance;
DROP TRIGGER attendance_ledger_upd ON attendance;
DROP TRIGGER attendance_ledger_del ON attendance;
DROP TRIGGER activities_ledger_ins ON activities;
DROP TRIGGER activities_ledger_upd ON activities;
DROP TRIGGER activities_ledger_del ON activities;
DROP TRIGGER clinical_entries_ledger_ins ON clinical_entries;
DROP TRIGGER clinical_entries_ledger_upd ON clinical_entries;
DROP TRIGGER clinical_entries_ledger_del ON clinical_entries;
DROP TRIGGER leave_periods_ledger_ins ON leave_periods;
DROP TRIGGER leave_periods_ledger_upd ON leave_periods;
DROP TRIGGER leave_periods_ledger_del ON leave_periods;
DROP TRIGGER member_licenses_ledger_ins ON member_licenses;
DROP TRIGGER member_licenses_ledger_upd ON member_licenses;
DROP TRIGGER member_licenses_ledger_del ON member_licenses;
DROP TRIGGER events_ledger_upd ON events;
DROP TRIGGER sessions_ledger_upd ON sessions;
DROP TRIGGER organizations_ledger_upd ON organizations;
DROP TRIGGER members_ledger_upd ON members;
DROP FUNCTION ledger_bump_new, ledger_bump_old, ledger_bump_event, ledger_bump_session, ledger_bump_organization, ledger_bump_member;
DROP TABLE member_ledger;
