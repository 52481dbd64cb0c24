-- Each attendance keeps its session credits summed by what the rules tell apart: of one
-- day, sessions of the same CEUs, category, topics and approvers are one entry with their
-- number and the first session's id, [{"d", "c", "u", "t", "a", "n", "s"}]. A brief progress
-- answer reads these instead of every attended session: a member of thousands of alike
-- sessions costs a few entries an attendance. The service writes them with the sessions
-- (a roster, a correction, a revocation, an event whose attended sessions change); existing
-- rows are summed here.
-- +goose Up
ALTER TABLE attendance ADD COLUMN credit_classes jsonb NOT NULL DEFAULT '[]';
UPDATE attendance a SET credit_classes = COALESCE((
    SELECT jsonb_agg(jsonb_build_object('d', g.date, 'c', g.category, 'u', g.ceus, 't', g.topics, 'a', g.approved_by,
                                        'n', g.n, 's', g.first))
    FROM (SELECT s.date, s.category, x.ceus, s.topics, s.approved_by, COUNT(*) AS n, MIN(s.id COLLATE "C") AS first
          FROM jsonb_to_recordset(a.sessions) AS x (session_id text, ceus integer) JOIN sessions s ON s.id = x.session_id
          GROUP BY s.date, s.category, x.ceus, s.topics, s.approved_by) g), '[]'::jsonb)
WHERE a.sessions <> '[]'::jsonb;

-- +goose Down
ALTER TABLE attendance DROP COLUMN credit_classes;
