-- An event's check-in rules, chosen by its organizer: the presence policy that turns
-- check-ins into credit (none assumed: empty until chosen) and its share, whether members may
-- check themselves in, whether only pre-registered members may be checked in; and per
-- session, the window (local HH:MM) in which check-ins count, empty for its own times.
-- +goose Up
ALTER TABLE events ADD COLUMN check_in_policy TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN check_in_share INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN self_checkin_off BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN registration_required BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN check_in_from TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN check_in_until TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN check_in_until;
ALTER TABLE sessions DROP COLUMN check_in_from;
ALTER TABLE events DROP COLUMN registration_required;
ALTER TABLE events DROP COLUMN self_checkin_off;
ALTER TABLE events DROP COLUMN check_in_share;
ALTER TABLE events DROP COLUMN check_in_policy;
