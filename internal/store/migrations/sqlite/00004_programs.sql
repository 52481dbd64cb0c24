-- Programs administrators add, or new versions of built-in ones: the program document as
-- JSON, one row per version. Built-in programs ship in the binary and are not stored.
-- +goose Up
CREATE TABLE programs (
    id         TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    document   TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (id, version)
);

-- +goose Down
DROP TABLE programs;
