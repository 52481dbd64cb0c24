-- Sign-in attempt limits shared by every instance on the database: one row per limited key
-- (a client address or an account) holding its theoretical arrival time in microseconds
-- since the Unix epoch (the generic cell rate algorithm).
-- +goose Up
CREATE TABLE rate_limits (
    key    text PRIMARY KEY,
    tat_us bigint NOT NULL
);

-- +goose Down
DROP TABLE rate_limits;
