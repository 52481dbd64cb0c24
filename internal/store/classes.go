package store

import (
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

// An attendance's credit classes (the column credit_classes, migration 00062) are its session
// credits summed by what the rules tell apart: of one day, sessions of the same CEUs,
// category, topics and approvers are one entry, with their number and the first session's id
// (in byte order), [{"d", "c", "u", "t", "a", "n", "s"}]. A brief progress answer reads them
// instead of every attended session (recordClassesSQL). They are written with the sessions:
// by creditClasses for a roster's new attendance, by classesUpdate where attendance or an
// attended session changes.

// classKey is what sets a credit class apart.
type classKey struct {
	date                     date
	category                 *string
	ceus                     recert.Units
	topics, approvers, first string
}

// creditClasses sums an attendance's sessions, given the event's by id, as the column holds
// them; a session missing from sessions is left out (the database refuses such attendance).
func creditClasses(ss []recert.SessionCredit, sessions map[string]sessionRow) string {
	type class struct {
		key classKey
		n   int
	}
	var classes []class
	for _, x := range ss {
		s, ok := sessions[x.SessionID]
		if !ok {
			continue
		}
		found := false
		for i := range classes {
			k := &classes[i].key
			if k.date == s.Date && sameText(k.category, s.Category) && k.ceus == x.CEUs && k.topics == s.Topics && k.approvers == s.ApprovedBy {
				classes[i].n++
				k.first = min(k.first, s.ID)
				found = true
				break
			}
		}
		if !found {
			classes = append(classes, class{key: classKey{date: s.Date, category: s.Category, ceus: x.CEUs, topics: s.Topics,
				approvers: s.ApprovedBy, first: s.ID}, n: 1})
		}
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, c := range classes {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"d":"`)
		b.WriteString(recert.Date(c.key.date).String())
		b.WriteString(`","c":`)
		if c.key.category == nil {
			b.WriteString("null")
		} else {
			writeJSONString(&b, *c.key.category)
		}
		b.WriteString(`,"u":`)
		b.WriteString(strconv.FormatInt(int64(c.key.ceus), 10))
		b.WriteString(`,"t":`)
		writeJSONString(&b, c.key.topics)
		b.WriteString(`,"a":`)
		writeJSONString(&b, c.key.approvers)
		b.WriteString(`,"n":`)
		b.WriteString(strconv.Itoa(c.n))
		b.WriteString(`,"s":`)
		writeJSONString(&b, c.key.first)
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return b.String()
}

func sameText(a, b *string) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// classesUpdate sums again the credit classes of the attendance rows where holds (a
// condition on the attendance's own columns), in the database: after attendance or the
// attended sessions changed.
func (s *Store) classesUpdate(tx *gorm.DB, where string, args ...any) error {
	query := `UPDATE attendance SET credit_classes = COALESCE((
    SELECT json_group_array(json_object('d', g.date, 'c', g.category, 'u', g.ceus, 't', g.topics, 'a', g.approved_by,
                                        'n', g.n, 's', g.first))
    FROM (SELECT s.date AS date, s.category AS category, json_extract(j.value, '$.ceus') AS ceus, s.topics AS topics,
                 s.approved_by AS approved_by, COUNT(*) AS n, MIN(s.id) AS first
          FROM json_each(attendance.sessions) j JOIN sessions s ON s.id = json_extract(j.value, '$.session_id')
          GROUP BY 1, 2, 3, 4, 5) g), '[]')
WHERE `
	if s.engine == Postgres {
		query = `UPDATE attendance SET credit_classes = COALESCE((
    SELECT jsonb_agg(jsonb_build_object('d', g.date, 'c', g.category, 'u', g.ceus, 't', g.topics, 'a', g.approved_by,
                                        'n', g.n, 's', g.first))
    FROM (SELECT s.date, s.category, x.ceus, s.topics, s.approved_by, COUNT(*) AS n, MIN(s.id COLLATE "C") AS first
          FROM jsonb_to_recordset(attendance.sessions) AS x (session_id text, ceus integer) JOIN sessions s ON s.id = x.session_id
          GROUP BY s.date, s.category, x.ceus, s.topics, s.approved_by) g), '[]'::jsonb)
WHERE `
	}
	return TranslateError(tx.Exec(query+where, args...).Error, "attendance")
}
