-- An event whose organizer chose to e-mail each attendee their certificate once a roster
-- credits them.
-- +goose Up
ALTER TABLE events ADD COLUMN email_certificates BOOLEAN NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE events DROP COLUMN email_certificates;
