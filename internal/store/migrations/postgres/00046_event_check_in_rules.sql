-- An event's check-in rules, chosen by its organizer: the presence policy that turns
-- check-ins into credit (none assumed: empty until chosen) and its share, whether members may
-- check themselves in, whether only pre-registered members may be checked in; and per
-- session, the window (local HH:MM) in which check-ins count, empty for its own times.
-- +goose Up
ALTER TABLE events ADD COLUMN check_in_policy text NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN check_in_share integer NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN self_checkin_off boolean NOT NULL DEFAULT false;
ALTER TABLE events ADD COLUMN registration_required boolean NOT NULL DEFAULT false;
ALTER TABLE sessions ADD COLUMN check_in_from text NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN check_in_until text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN check_in_until;
ALTER TABLE sessions DROP COLUMN check_in_from;
ALTER TABLE events DROP COLUMN registration_required;
ALTER TABLE events DROP COLUMN self_checkin_off;
ALTER TABLE events DROP COLUMN check_in_share;
ALTER TABLE events DROP COLUMN check_in_policy;
