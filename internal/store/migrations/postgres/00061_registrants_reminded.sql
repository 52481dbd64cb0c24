-- When a registrant was sent "your meeting is tomorrow" with their check-in code: once per
-- registration, so a rerun of the hourly scan sends nothing again.
-- +goose Up
ALTER TABLE registrants ADD COLUMN reminded_at timestamptz;

-- +goose Down
ALTER TABLE registrants DROP COLUMN reminded_at;
