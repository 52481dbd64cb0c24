-- Programs administrators add, or new versions of built-in ones: the program document as
-- JSON, one row per version. Built-in programs ship in the binary and are not stored.
-- +goose Up
CREATE TABLE programs (
    id         text NOT NULL,
    version    integer NOT NULL CHECK (version >= 1),
    document   text NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    PRIMARY KEY (id, version)
);

-- +goose Down
DROP TABLE programs;
