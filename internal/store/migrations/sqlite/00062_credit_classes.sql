-- Each attendance keeps its session credits summed by what the rules tell apart: of one
-- day, sessions of the same CEUs, category, topics and approvers are one entry with their
-- number and the first session's id, [{"d", "c", "u", "t", "a", "n", "s"}]. A brief progress
-- answer reads these instead of every attended session: a member of thousands of alike
-- sessions costs a few entries an attendance. The service writes them with the sessions
-- (a roster, a correction, a revocation, an event whose attended sessions change); existing
-- rows are summed here.
-- +goose Up
ALTER TABLE attendance ADD COLUMN credit_classes JSON NOT NULL DEFAULT '[]' CHECK (json_type(credit_classes) = 'array');
UPDATE attendance SET credit_classes = COALESCE((
    SELECT json_group_array(json_object('d', g.date, 'c', g.category, 'u', g.ceus, 't', g.topics, 'a', g.approved_by,
                                        'n', g.n, 's', g.first))
    FROM (SELECT s.date AS date, s.category AS category, json_extract(j.value, '$.ceus') AS ceus, s.topics AS topics,
                 s.approved_by AS approved_by, COUNT(*) AS n, MIN(s.id) AS first
          FROM json_each(attendance.sessions) j JOIN sessions s ON s.id = json_extract(j.value, '$.session_id')
          GROUP BY 1, 2, 3, 4, 5) g), '[]')
WHERE sessions <> '[]';

-- +goose Down
ALTER TABLE attendance DROP COLUMN credit_classes;
