-- What members report themselves: CE activities (self-reported credits, reviewed by
-- administrators) and the clinical case log. Withdrawn rows are kept, marked.
-- +goose Up
CREATE TABLE activities (
    id                   text PRIMARY KEY,
    member_id            text NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    type                 text NOT NULL,
    date                 date NOT NULL,
    ceus                 integer NOT NULL CHECK (ceus > 0),
    minutes              integer,
    category             text NOT NULL CHECK (category IN ('I', 'II', 'III')),
    title                text NOT NULL,
    citation             text,
    provider             text,
    approval_ref         text,
    post_test_score      integer CHECK (post_test_score BETWEEN 0 AND 100),
    topics               text NOT NULL DEFAULT '',
    documentation_status text NOT NULL CHECK (documentation_status IN ('none', 'attached', 'verified')),
    review_status        text NOT NULL CHECK (review_status IN ('pending', 'verified', 'rejected')),
    review_reason        text,
    withdrawn_at         timestamptz,
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL,
    created_by           text NOT NULL,
    updated_at           timestamptz NOT NULL,
    updated_by           text NOT NULL
);
CREATE INDEX activities_member_idx ON activities (member_id, date);

-- Activity changes and reviews go into the same history as attendance changes.
ALTER TABLE history ADD COLUMN activity_id text REFERENCES activities (id) ON DELETE RESTRICT;
CREATE INDEX history_activity_idx ON history (activity_id, at);

CREATE TABLE clinical_entries (
    id            text PRIMARY KEY,
    member_id     text NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    date          date NOT NULL,
    type          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('primary', 'secondary')),
    count         integer NOT NULL CHECK (count BETWEEN 1 AND 100),
    case_ref_hash bytea,
    withdrawn_at  timestamptz,
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL,
    updated_at    timestamptz NOT NULL,
    updated_by    text NOT NULL
);
CREATE INDEX clinical_entries_member_idx ON clinical_entries (member_id, date);
-- The same case claimed twice as primary by one member is refused by the database too.
CREATE UNIQUE INDEX clinical_entries_primary_case_key ON clinical_entries (member_id, case_ref_hash)
    WHERE role = 'primary' AND case_ref_hash IS NOT NULL AND withdrawn_at IS NULL;

-- Leave periods (qualifying life events); approved ones reduce a clinical year's requirement.
CREATE TABLE leave_periods (
    id         text PRIMARY KEY,
    member_id  text NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    type       text NOT NULL,
    start_date date NOT NULL,
    end_date   date NOT NULL CHECK (end_date >= start_date),
    approved   integer NOT NULL DEFAULT 0 CHECK (approved IN (0, 1)),
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL
);
CREATE INDEX leave_periods_member_idx ON leave_periods (member_id, start_date);

-- Certificates and documents members attach, kept in the database with their digest.
CREATE TABLE evidence (
    id           text PRIMARY KEY,
    member_id    text NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    activity_id  text REFERENCES activities (id) ON DELETE RESTRICT,
    attendance_id text REFERENCES attendance (id) ON DELETE RESTRICT,
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size         integer NOT NULL CHECK (size BETWEEN 1 AND 10485760),
    sha256       text NOT NULL,
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    created_by   text NOT NULL
);
CREATE INDEX evidence_activity_idx ON evidence (activity_id);

-- A member's dispute about their attendance at an event, and how the organizer resolved it.
CREATE TABLE disputes (
    id                text PRIMARY KEY,
    event_id          text NOT NULL REFERENCES events (id) ON DELETE RESTRICT,
    member_id         text NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    attendance_id     text REFERENCES attendance (id) ON DELETE RESTRICT,
    kind              text NOT NULL CHECK (kind IN ('missing', 'wrong')),
    session_ids       text NOT NULL DEFAULT '',
    ceus              integer CHECK (ceus > 0),
    message           text NOT NULL,
    status            text NOT NULL CHECK (status IN ('open', 'accepted', 'rejected')),
    resolution_reason text,
    resolved_at       timestamptz,
    resolved_by       text,
    created_at        timestamptz NOT NULL,
    created_by        text NOT NULL
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
