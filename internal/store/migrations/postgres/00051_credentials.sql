-- A credential: what Recert issued for one version of an attendance (its printable
-- certificate, its verification page, its signed Open Badges credential), kept as issued:
-- statement is what it states (JSON), vc_jwt the signed credential. The id is unguessable,
-- as it is the verification page's address. A correction or a revocation changes the
-- attendance's version, so a credential of an earlier version is superseded or revoked
-- without being rewritten.
-- +goose Up
CREATE TABLE credentials (
    id                 text PRIMARY KEY,
    attendance_id      text NOT NULL REFERENCES attendance (id) ON DELETE RESTRICT,
    attendance_version integer NOT NULL CHECK (attendance_version >= 1),
    issued_at          timestamptz NOT NULL,
    statement          text NOT NULL,
    vc_jwt             text NOT NULL,
    UNIQUE (attendance_id, attendance_version)
);

-- +goose Down
DROP TABLE credentials;
