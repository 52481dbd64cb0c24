-- Who approved a credit, apart from its ABCP category (approver codes, space-separated, like
-- topics); an activity may have no ABCP category at all ('none'); the date from which Recert
-- judges a member's periods.
-- +goose Up
ALTER TABLE members ADD COLUMN tracking_since DATE;
ALTER TABLE events ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';

-- SQLite cannot change a CHECK constraint in place: the activities table is rebuilt. Rows
-- referring to it (history, evidence) are checked when the transaction commits, once the
-- rows are back.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE activities_copy AS SELECT * FROM activities;
DROP TABLE activities;
CREATE TABLE activities (
    id                   TEXT PRIMARY KEY,
    member_id            TEXT NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    type                 TEXT NOT NULL,
    date                 DATE NOT NULL,
    ceus                 INTEGER NOT NULL CHECK (ceus > 0),
    minutes              INTEGER,
    category             TEXT NOT NULL CHECK (category IN ('I', 'II', 'III', 'none')),
    title                TEXT NOT NULL,
    citation             TEXT,
    provider             TEXT,
    approval_ref         TEXT,
    post_test_score      INTEGER CHECK (post_test_score BETWEEN 0 AND 100),
    topics               TEXT NOT NULL DEFAULT '',
    documentation_status TEXT NOT NULL CHECK (documentation_status IN ('none', 'attached', 'verified')),
    review_status        TEXT NOT NULL CHECK (review_status IN ('pending', 'verified', 'rejected')),
    review_reason        TEXT,
    withdrawn_at         TIMESTAMP,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TIMESTAMP NOT NULL,
    created_by           TEXT NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    updated_by           TEXT NOT NULL,
    approved_by          TEXT NOT NULL DEFAULT ''
);
INSERT INTO activities (id, member_id, type, date, ceus, minutes, category, title, citation, provider,
    approval_ref, post_test_score, topics, documentation_status, review_status, review_reason,
    withdrawn_at, version, created_at, created_by, updated_at, updated_by)
SELECT id, member_id, type, date, ceus, minutes, category, title, citation, provider,
    approval_ref, post_test_score, topics, documentation_status, review_status, review_reason,
    withdrawn_at, version, created_at, created_by, updated_at, updated_by FROM activities_copy;
DROP TABLE activities_copy;
CREATE INDEX activities_member_idx ON activities (member_id, date);

-- +goose Down
PRAGMA defer_foreign_keys = ON;
-- Activities without an ABCP category cannot go back: their insert fails, nothing is dropped.
CREATE TABLE activities_copy AS SELECT * FROM activities;
DROP TABLE activities;
CREATE TABLE activities (
    id                   TEXT PRIMARY KEY,
    member_id            TEXT NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    type                 TEXT NOT NULL,
    date                 DATE NOT NULL,
    ceus                 INTEGER NOT NULL CHECK (ceus > 0),
    minutes              INTEGER,
    category             TEXT NOT NULL CHECK (category IN ('I', 'II', 'III')),
    title                TEXT NOT NULL,
    citation             TEXT,
    provider             TEXT,
    approval_ref         TEXT,
    post_test_score      INTEGER CHECK (post_test_score BETWEEN 0 AND 100),
    topics               TEXT NOT NULL DEFAULT '',
    documentation_status TEXT NOT NULL CHECK (documentation_status IN ('none', 'attached', 'verified')),
    review_status        TEXT NOT NULL CHECK (review_status IN ('pending', 'verified', 'rejected')),
    review_reason        TEXT,
    withdrawn_at         TIMESTAMP,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TIMESTAMP NOT NULL,
    created_by           TEXT NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    updated_by           TEXT NOT NULL
);
INSERT INTO activities SELECT id, member_id, type, date, ceus, minutes, category, title, citation, provider,
    approval_ref, post_test_score, topics, documentation_status, review_status, review_reason,
    withdrawn_at, version, created_at, created_by, updated_at, updated_by FROM activities_copy;
DROP TABLE activities_copy;
CREATE INDEX activities_member_idx ON activities (member_id, date);
ALTER TABLE sessions DROP COLUMN approved_by;
ALTER TABLE events DROP COLUMN approved_by;
ALTER TABLE members DROP COLUMN tracking_since;
