-- The people an organizer expects at an event: who the door checks in when the event
-- requires registration, and whose badges it prints. Registration credits nothing.
-- +goose Up
CREATE TABLE registrants (
    event_id      text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    member_id     text NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    registered_at timestamptz NOT NULL,
    registered_by text NOT NULL,
    PRIMARY KEY (event_id, member_id)
);
CREATE INDEX registrants_member_idx ON registrants (member_id);

-- +goose Down
DROP TABLE registrants;
