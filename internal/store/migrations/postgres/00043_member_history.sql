-- Every change to a member's record: who made it, when, and each field from and to (JSON),
-- for the administrators' audit history of the record.
-- +goose Up
CREATE TABLE member_history (
    member_id  text NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    version    integer NOT NULL,
    changed_at timestamptz NOT NULL,
    changed_by text NOT NULL,
    changes    text NOT NULL,
    PRIMARY KEY (member_id, version)
);

-- +goose Down
DROP TABLE member_history;
