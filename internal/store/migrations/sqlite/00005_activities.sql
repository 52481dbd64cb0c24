-- What members report themselves: CE activities (self-reported credits, reviewed by
-- administrators) and the clinical case log. Withdrawn rows are kept, marked.
-- +goose Up
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
CREATE INDEX activities_member_idx ON activities (member_id, date);

-- Activity changes and reviews go into the same history as attendance changes.
ALTER TABLE history ADD COLUMN activity_id TEXT REFERENCES activities (id) ON DELETE RESTRICT;
CREATE INDEX history_activity_idx ON history (activity_id, at);

CREATE TABLE clinical_entries (
    id            TEXT PRIMARY KEY,
    member_id     TEXT NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    date          DATE NOT NULL,
    type          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('primary', 'secondary')),
    count         INTEGER NOT NULL CHECK (count BETWEEN 1 AND 100),
    case_ref_hash BLOB,
    withdrawn_at  TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    updated_by    TEXT NOT NULL
);
CREATE INDEX clinical_entries_member_idx ON clinical_entries (member_id, date);
-- The same case claimed twice as primary by one member is refused by the database too.
CREATE UNIQUE INDEX clinical_entries_primary_case_key ON clinical_entries (member_id, case_ref_hash)
    WHERE role = 'primary' AND case_ref_hash IS NOT NULL AND withdrawn_at IS NULL;

-- Leave periods (qualifying life events); approved ones reduce a clinical year's requirement.
CREATE TABLE leave_periods (
    id         TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    type       TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date   DATE NOT NULL CHECK (end_date >= start_date),
    approved   INTEGER NOT NULL DEFAULT 0 CHECK (approved IN (0, 1)),
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX leave_periods_member_idx ON leave_periods (member_id, start_date);

-- Certificates and documents members attach, kept in the database with their digest.
CREATE TABLE evidence (
    id           TEXT PRIMARY KEY,
    member_id    TEXT NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    activity_id  TEXT REFERENCES activities (id) ON DELETE RESTRICT,
    attendance_id TEXT REFERENCES attendance (id) ON DELETE RESTRICT,
    content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size         INTEGER NOT NULL CHECK (size BETWEEN 1 AND 10485760),
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE INDEX evidence_activity_idx ON evidence (activity_id);

-- A member's dispute about their attendance at an event, and how the organizer resolved it.
CREATE TABLE disputes (
    id                TEXT PRIMARY KEY,
    event_id          TEXT NOT NULL REFERENCES events (id) ON DELETE RESTRICT,
    member_id         TEXT NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    attendance_id     TEXT REFERENCES attendance (id) ON DELETE RESTRICT,
    kind              TEXT NOT NULL CHECK (kind IN ('missing', 'wrong')),
    session_ids       TEXT NOT NULL DEFAULT '',
    ceus              INTEGER CHECK (ceus > 0),
    message           TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'rejected')),
    resolution_reason TEXT,
    resolved_at       TIMESTAMP,
    resolved_by       TEXT,
    created_at        TIMESTAMP NOT NULL,
    created_by        TEXT NOT NULL
);
CREATE INDEX disputes_event_idx ON disputes (event_id, created_at);

-- +goose Down
DROP TABLE disputes;
DROP TABLE evidence;
DROP TABLE leave_periods;
DROP TABLE clinical_entries;
DROP INDEX history_activity_idx;
ALTER TABLE history DROP COLUMN activity_id;
DROP TABLE activities;
