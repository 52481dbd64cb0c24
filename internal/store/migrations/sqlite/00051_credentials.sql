-- A credential: what Recert issued for one version of an attendance (its printable
-- certificate, its verification page, its signed Open Badges credential), kept as issued:
-- statement is what it states (JSON), vc_jwt the signed credential. The id is unguessable,
-- as it is the verification page's address. A correction or a revocation changes the
-- attendance's version, so a credential of an earlier version is superseded or revoked
-- without being rewritten. Each credential has a position, drawn at random, in one of its
-- sponsor's revocation lists (status_list, status_index): the list's bit there is set while
-- the credential does not stand, which the attendance decides. page_withdrawn_at: the
-- member took the verification page down (the credential itself still stands).
-- +goose Up
CREATE TABLE credentials (
    id                 TEXT PRIMARY KEY,
    attendance_id      TEXT NOT NULL REFERENCES attendance (id) ON DELETE RESTRICT,
    attendance_version INTEGER NOT NULL CHECK (attendance_version >= 1),
    organization_id    TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    status_list        INTEGER NOT NULL CHECK (status_list >= 1),
    status_index       INTEGER NOT NULL CHECK (status_index >= 0 AND status_index < 131072),
    issued_at          TIMESTAMP NOT NULL,
    statement          TEXT NOT NULL,
    vc_jwt             TEXT NOT NULL,
    page_withdrawn_at  TIMESTAMP,
    UNIQUE (attendance_id, attendance_version),
    UNIQUE (organization_id, status_list, status_index)
);

-- +goose Down
DROP TABLE credentials;
