-- Rosters as organizers write them: sessions named by short codes (S1…Sn unless chosen) and
-- optionally in their own ABCP category; every roster written is a posting, so a whole
-- roster can be withdrawn; each history entry says what made the change, so a re-posted
-- roster can tell a person's decision from its own earlier writes; members carry a folded
-- copy of their name, email and ABCP ID for accent- and case-insensitive search.
-- +goose Up
ALTER TABLE sessions ADD COLUMN code text NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN category text CHECK (category IN ('I', 'II', 'III'));
UPDATE sessions SET code = 'S' || (position + 1);
CREATE UNIQUE INDEX sessions_event_code_key ON sessions (event_id, code);

CREATE TABLE roster_postings (
    id              text PRIMARY KEY,
    event_id        text NOT NULL REFERENCES events (id) ON DELETE RESTRICT,
    row_count       integer NOT NULL,
    created_count   integer NOT NULL,
    updated_count   integer NOT NULL,
    created_at      timestamptz NOT NULL,
    created_by      text NOT NULL,
    withdrawn_at    timestamptz,
    withdrawn_by    text,
    withdraw_reason text
);
CREATE INDEX roster_postings_event_idx ON roster_postings (event_id, created_at);

ALTER TABLE history ADD COLUMN posting_id text REFERENCES roster_postings (id) ON DELETE RESTRICT;
ALTER TABLE history ADD COLUMN source text CHECK (source IN ('roster', 'override', 'correction', 'revocation', 'dispute', 'withdrawal', 'note'));
CREATE INDEX history_posting_idx ON history (posting_id);
UPDATE history SET source = CASE
    WHEN reason = 'posted by roster' THEN 'roster'
    WHEN action = 'revoked' THEN 'revocation'
    WHEN action = 'updated' AND reason LIKE 'dispute % accepted' THEN 'dispute'
    WHEN action = 'updated' THEN 'correction'
    WHEN action = 'created' THEN 'dispute'
    ELSE 'note' END
WHERE attendance_id IS NOT NULL;

ALTER TABLE members ADD COLUMN search_text text;

-- +goose Down
ALTER TABLE members DROP COLUMN search_text;
DROP INDEX history_posting_idx;
ALTER TABLE history DROP COLUMN source;
ALTER TABLE history DROP COLUMN posting_id;
DROP TABLE roster_postings;
DROP INDEX sessions_event_code_key;
ALTER TABLE sessions DROP COLUMN category;
ALTER TABLE sessions DROP COLUMN code;
