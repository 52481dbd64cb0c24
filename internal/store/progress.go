package store

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// MemberRecord loads what a member's progress counts, dated in q's window, in one statement:
// posted credits and where they start and, for the whole record (no organizations named),
// self-reported activities that are not withdrawn, clinical entries and where they start, and
// leave. Each kind of row shares the credits' columns (scanRecords says which holds what),
// and holds what progress reads of it. A session credit's row holds only what is its own;
// what every session of an event shares (title, format, organization, approval) comes once
// per attendance, so a member of thousands of credits costs thousands of narrow rows, not wide ones.
// A summed read (q.Summed) reads each attendance's credit classes instead of its sessions.
func (s *Store) MemberRecord(ctx context.Context, q ledger.RecordQuery) (ledger.Record, error) {
	query, args := recordSQL(q, q.MemberID, false, s.engine)
	recs, err := s.scanRecords(ctx, query, args...)
	if err != nil {
		return ledger.Record{}, TranslateError(err, "record")
	}
	return memberRecord(recs, q.MemberID), nil
}

// memberRecord is the member's record of those read, its self-reported rows in date order.
func memberRecord(recs map[string]*ledger.Record, memberID string) ledger.Record {
	rec := recs[memberID]
	if rec == nil {
		return ledger.Record{Credits: []recert.Credit{}}
	}
	slices.SortFunc(rec.Activities, func(a, b recert.Activity) int { return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.ID, b.ID)) })
	slices.SortFunc(rec.Entries, func(a, b recert.ClinicalEntry) int {
		return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.ID, b.ID))
	})
	slices.SortFunc(rec.Leave, func(a, b recert.Leave) int { return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.ID, b.ID)) })
	return *rec
}

// MembersCredits is several members' credits dated from..to (zero: open) posted by the
// scope's organizations, by member, each in date and id order, and each one's first such
// credit (whatever its date), in one statement: what the evaluation of a page of members
// reads. It is the credit part of each one's record, brief (no session titles): a standing
// lists no credit. Summed reads alike session credits as one (ledger.RecordQuery.Summed).
func (s *Store) MembersCredits(ctx context.Context, ids []string, from, to recert.Date, scope recert.Scope, summed bool) (map[string][]recert.Credit, map[string]recert.Date, error) {
	if scope.All() {
		return nil, nil, errors.New("members' credits are read for organizations: give their scope")
	}
	query, args := recordSQL(ledger.RecordQuery{From: from, To: to, Scope: scope, Brief: true, Summed: summed}, ids, true, s.engine)
	recs, err := s.scanRecords(ctx, query, args...)
	if err != nil {
		return nil, nil, TranslateError(err, "credits")
	}
	credits, firsts := make(map[string][]recert.Credit, len(recs)), make(map[string]recert.Date, len(recs))
	for id, rec := range recs {
		credits[id] = rec.Credits[:len(rec.Credits):len(rec.Credits)]
		if !rec.FirstCredit.IsZero() {
			firsts[id] = rec.FirstCredit
		}
	}
	return credits, firsts, nil
}

// recordSQL is the record query of q, for the member (a string) or, several, the members (a
// list of ids) of q.MemberID's place. The members' attendance in scope, with its event, is
// read once (att) for every kind of row that comes of it: session credits, awarded credits,
// what an attendance's sessions share, and where the credits start. Read a branch at a time,
// the attendance was looked up four times, and the awarded credits (rare) on their own were
// planned as a walk of every event of the organization. Its text, kilobytes long, is built
// once for each of its forms (recordForm) rather than on every progress request.
func recordSQL(q ledger.RecordQuery, members any, several bool, engine Engine) (string, []any) {
	form := recordFormOf(q, several, engine)
	return recordTexts.of(form, form.text), recordArgs(q, members)
}

// recordForm is what a record query's text depends on: not the members, dates or
// organizations themselves (its arguments), only which of them there are.
type recordForm struct {
	brief, summed, several bool
	engine                 Engine
	scope                  int // 0 all organizations, 1 none, 2 some
	from, to               bool
}

var recordTexts texts[recordForm]

func recordFormOf(q ledger.RecordQuery, several bool, engine Engine) recordForm {
	f := recordForm{brief: q.Brief, summed: q.Summed, several: several, engine: engine, scope: 2,
		from: !q.From.IsZero(), to: !q.To.IsZero()}
	switch {
	case q.Scope.All():
		f.scope = 0
	case q.Scope.None():
		f.scope = 1
	}
	return f
}

// recordArgs are the arguments of q's record query, in the order of its text's placeholders.
func recordArgs(q ledger.RecordQuery, members any) []any {
	_, scopeArgs := scopeSQL("", q.Scope)
	_, windowArgs := dateWindow("", q.From, q.To)
	args := slices.Concat([]any{members}, scopeArgs, windowArgs, windowArgs)
	if q.Scope.All() {
		args = slices.Concat(args, []any{members}, []any{members}, windowArgs, []any{members}, windowArgs, []any{members, members})
	}
	return args
}

// text is the record query of the form, with a placeholder for each of recordArgs.
func (f recordForm) text() string {
	scope := [...]recert.Scope{recert.AllOrganizations(), recert.OrganizationsScope(), recert.OrganizationsScope("o")}[f.scope]
	var from, to recert.Date
	if f.from {
		from = recert.Date{Year: 2000, Month: 1, Day: 1}
	}
	if f.to {
		to = recert.Date{Year: 2000, Month: 1, Day: 1}
	}
	scopeCond, _ := scopeSQL("e.organization_id", scope)
	window, _ := dateWindow("date", from, to)
	awardedWindow, _ := dateWindow("end_date", from, to)
	attendance, sessions := recordAttendanceSQL, recordSessionCreditsSQL
	switch {
	case f.brief && f.summed && f.engine == Postgres:
		attendance, sessions = recordAttendanceClassesSQL, recordClassesPostgres
	case f.brief && f.summed:
		attendance, sessions = recordAttendanceClassesSQL, recordClassesSQLite
	case f.brief: // a session's title only describes its credit
		sessions = strings.Replace(sessions, "s.title AS session_title", "NULL AS session_title", 1)
	}
	// Each member's first credit in scope, whatever its date: attended sessions, CEUs awarded
	// without a breakdown and, for the whole record, activities not withdrawn.
	firsts := `SELECT member_id, MIN(date) AS d FROM sc GROUP BY member_id
	UNION ALL
	SELECT member_id, MIN(end_date) FROM att WHERE ceus_awarded > 0 GROUP BY member_id`
	if f.scope == 0 {
		firsts += `
	UNION ALL
	SELECT member_id, MIN(date) FROM activities WHERE member_id = ? AND withdrawn_at IS NULL GROUP BY member_id`
	}
	parts := []string{
		// The members' session credits are read once, for those in the window and for the
		// first of all.
		"WITH att AS (" + attendance + scopeCond + "),\nsc AS (" + sessions + ")\n" + recordWindowSQL + window,
		recordAwardedSQL + awardedWindow,
		recordEventsSQL,
		`SELECT 3, NULL, member_id, MIN(d), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM (` + firsts + `) firsts GROUP BY member_id`,
	}
	if f.scope == 0 {
		parts = append(parts,
			`SELECT 4, id, member_id, date, category, ceus, type, title, review_status, citation, provider, topics,
       NULL, NULL, approval_ref, approved_by, NULL, minutes, NULL
FROM activities WHERE member_id = ? AND withdrawn_at IS NULL`+window,
			`SELECT 5, id, member_id, date, NULL, NULL, type, NULL, role, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, count, NULL
FROM clinical_entries WHERE member_id = ? AND withdrawn_at IS NULL`+window,
			`SELECT 6, NULL, member_id, MIN(date), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM clinical_entries WHERE member_id = ? AND withdrawn_at IS NULL GROUP BY member_id`,
			`SELECT 7, id, member_id, start_date, NULL, NULL, type, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, approved, end_date
FROM leave_periods WHERE member_id = ?`)
	}
	query := strings.Join(parts, "\nUNION ALL\n")
	if f.several {
		query = forMembers(query)
	}
	return query
}

const (
	// recordAttendanceSQL is the members' attendance that is not revoked, with what its event
	// and organization give its credits; the record's scope follows it.
	recordAttendanceSQL = `SELECT a.id, a.member_id, a.ceus_awarded, e.id AS event_id, e.end_date, e.category, e.title,
       e.format, e.approval_ref, e.approved_by, o.id AS organization_id, o.name AS organization_name
FROM attendance a
JOIN events e ON e.id = a.event_id
JOIN organizations o ON o.id = e.organization_id
WHERE a.member_id = ? AND a.revoked_at IS NULL`
	// recordAttendanceClassesSQL is recordAttendanceSQL with the attendance's credit classes.
	recordAttendanceClassesSQL = `SELECT a.id, a.member_id, a.ceus_awarded, a.credit_classes, e.id AS event_id, e.end_date,
       e.category, e.title, e.format, e.approval_ref, e.approved_by, o.id AS organization_id, o.name AS organization_name
FROM attendance a
JOIN events e ON e.id = a.event_id
JOIN organizations o ON o.id = e.organization_id
WHERE a.member_id = ? AND a.revoked_at IS NULL`
	// recordSessionCreditsSQL is the attendance's session credits, each with what is its own:
	// what every session of an event shares (the attendance, whose id with the session's is
	// the credit's, its member, and the event's category unless the session has its own) comes
	// once per attendance, recordEventsSQL. Each text column a row holds is one more string
	// to allocate.
	recordSessionCreditsSQL = `SELECT att.member_id AS member_id, s.date AS date, s.category AS category,
       x.ceus AS ceus, att.id AS attendance_id, s.id AS session_id, s.title AS session_title, s.topics AS topics,
       s.approved_by AS session_approvers, 1 AS n
FROM att
JOIN attendance_sessions x ON x.attendance_id = att.id
JOIN sessions s ON s.id = x.session_id`
	// recordClassesPostgres and recordClassesSQLite are a summed read's session credits: an
	// attendance's credit classes (classes.go), each a row standing for its n alike sessions,
	// named by the first.
	recordClassesPostgres = `SELECT att.member_id AS member_id, c.d AS date, c.c AS category, c.u AS ceus, att.id AS attendance_id,
       c.s AS session_id, NULL AS session_title, c.t AS topics, c.a AS session_approvers, c.n AS n
FROM att
CROSS JOIN LATERAL jsonb_to_recordset(att.credit_classes) AS c (d date, c text, u integer, t text, a text, n integer, s text)`
	recordClassesSQLite = `SELECT att.member_id AS member_id, json_extract(c.value, '$.d') AS date, json_extract(c.value, '$.c') AS category,
       json_extract(c.value, '$.u') AS ceus, att.id AS attendance_id, json_extract(c.value, '$.s') AS session_id,
       NULL AS session_title, json_extract(c.value, '$.t') AS topics, json_extract(c.value, '$.a') AS session_approvers,
       json_extract(c.value, '$.n') AS n
FROM att
JOIN json_each(att.credit_classes) c`
	// recordWindowSQL is the session credits (sc) in the window, as the record reads them. It
	// is the record's first branch, so it names and types every column; the others follow it
	// on PostgreSQL.
	recordWindowSQL = `SELECT 1 AS kind, attendance_id AS id, CAST(NULL AS TEXT) AS member_id, date, category, ceus,
       CAST(NULL AS TEXT) AS event_id, CAST(NULL AS TEXT) AS event_title, CAST(NULL AS TEXT) AS format, session_id, session_title, topics,
       CAST(NULL AS TEXT) AS organization_id, CAST(NULL AS TEXT) AS organization_name, CAST(NULL AS TEXT) AS approval_ref,
       CAST(NULL AS TEXT) AS event_approvers, session_approvers, CAST(n AS INTEGER) AS n, CAST(NULL AS DATE) AS until
FROM sc WHERE 1 = 1`
	// recordAwardedSQL is the attendance's CEUs awarded without a breakdown, each a credit
	// dated at the event's end.
	recordAwardedSQL = `SELECT 1, id, member_id, end_date, category, ceus_awarded, event_id, title, format, '', '', '',
       organization_id, organization_name, approval_ref, approved_by, '', NULL, NULL
FROM att WHERE ceus_awarded > 0`
	// recordEventsSQL is, once per attendance (a member's one of an event), what its session
	// credits share.
	recordEventsSQL = `SELECT 2, id, member_id, NULL, category, NULL, event_id, title, format, NULL, NULL, NULL,
       organization_id, organization_name, approval_ref, approved_by, NULL, NULL, NULL
FROM att`
)

// The kinds of row of a record query, its first column: a number, which is read without
// allocating, where a letter would be a string a row.
const (
	rowCredit      = 1 // c
	rowEvent       = 2 // v
	rowFirstCredit = 3 // f
	rowActivity    = 4 // a
	rowEntry       = 5 // e
	rowFirstEntry  = 6 // g
	rowLeave       = 7 // l
)

// scanRecords reads the rows of a record query by position, into each member's record
// (credits in date and id order). What each column of a record row holds, by kind (lettered
// as above): c a credit (a session credit's narrow row, or an awarded credit's whole one), v
// what an attendance's session credits share, f a member's first credit's date, a an
// activity, e a clinical entry, g a member's first entry's date, l a leave period.
//
// A session credit's row names its attendance but not its member, and has a category only
// when the session has its own; its attendance's row gives the rest.
//
//	column   c                 v          a              e      l      f, g
//	id       attendance        attendance id             id     id
//	member   member            member     member         member member member
//	date     date                         date           date   start  date
//	category category          category   category
//	event_id event_id          event id   type           type   type
//	title    event_title       title      title
//	format   format            format     review_status  role
//	session  session_id                   citation
//	s_title  session_title                provider
//	n                                     minutes        count  approved
//	until                                                       end_date
func (s *Store) scanRecords(ctx context.Context, query string, args ...any) (map[string]*ledger.Record, error) {
	read, records := recordRows(query, args)
	if err := s.readAll(ctx, read); err != nil {
		return nil, err
	}
	return records(), nil
}

// recordOf is the member's record in recs, added when there is none.
func recordOf(recs map[string]*ledger.Record, member string) *ledger.Record {
	rec := recs[member]
	if rec == nil {
		rec = &ledger.Record{Credits: []recert.Credit{}}
		recs[member] = rec
	}
	return rec
}

// recordRows is the read of a record query's rows (scanRecords) and what makes the members'
// records of them once read.
func recordRows(query string, args []any) (rowRead, func() map[string]*ledger.Record) {
	recs := map[string]*ledger.Record{}
	of := func(member string) *ledger.Record { return recordOf(recs, member) }
	var (
		id, memberCol, category, eventID, eventTitle, format, sessionID, sessionTitle, topics textColumn
		orgID, orgName, approvalRef, eventApprovers, sessionApprovers                         textColumn
		kind, ceus, n                                                                         intColumn
		day, until                                                                            dateColumn
		narrow                                                                                chunked[sessionCredit]
	)
	attended := map[string]*creditRow{}
	dest := []any{&kind, &id, &memberCol, &day, &category, &ceus, &eventID, &eventTitle, &format, &sessionID, &sessionTitle,
		&topics, &orgID, &orgName, &approvalRef, &eventApprovers, &sessionApprovers, &n, &until}
	each := func() error {
		switch kind.Int64 {
		case rowCredit:
			if sessionID.Valid && sessionID.String != "" {
				narrow.add(sessionCredit{date: day.V, category: category.String, ceus: recert.Units(ceus.Int64),
					attendanceID: id.String, sessionID: sessionID.String, title: sessionTitle.String, topics: topics.String,
					approvers: sessionApprovers.String, count: int(n.Int64)})
				return nil
			}
			r := creditRow{AttendanceID: id.String, MemberID: memberCol.String, Date: day.V, Category: category.String, CEUs: recert.Units(ceus.Int64),
				EventID: eventID.String, EventTitle: eventTitle.String, Format: format.String, Topics: topics.String,
				OrganizationID: orgID.String, OrganizationName: orgName.String, EventApprovers: eventApprovers.String}
			if approvalRef.Valid {
				r.ApprovalRef = &approvalRef.String
			}
			rec := of(r.MemberID)
			rec.Credits = append(rec.Credits, r.credit(nil))
		case rowEvent:
			r := creditRow{AttendanceID: id.String, MemberID: memberCol.String, Category: category.String, EventID: eventID.String,
				EventTitle: eventTitle.String, Format: format.String, OrganizationID: orgID.String, OrganizationName: orgName.String,
				EventApprovers: eventApprovers.String}
			if approvalRef.Valid {
				ref := approvalRef.String // the scanned variable is read into again
				r.ApprovalRef = &ref
			}
			attended[r.AttendanceID] = &r
		case rowFirstCredit:
			of(memberCol.String).FirstCredit = day.day()
		case rowFirstEntry:
			of(memberCol.String).FirstEntry = day.day()
		case rowActivity:
			rec := of(memberCol.String)
			rec.Activities = append(rec.Activities, recert.Activity{ID: id.String, MemberID: memberCol.String, Type: eventID.String,
				Date: day.day(), CEUs: recert.Units(ceus.Int64), Minutes: int(n.Int64), Category: category.String,
				ApprovedBy: strings.Fields(eventApprovers.String), Title: eventTitle.String, Citation: sessionID.String,
				Provider: sessionTitle.String, ApprovalRef: approvalRef.String, Topics: strings.Fields(topics.String),
				ReviewStatus: format.String})
		case rowEntry:
			rec := of(memberCol.String)
			rec.Entries = append(rec.Entries, recert.ClinicalEntry{ID: id.String, MemberID: memberCol.String, Date: day.day(),
				Type: eventID.String, Role: format.String, Count: int(n.Int64)})
		case rowLeave:
			rec := of(memberCol.String)
			rec.Leave = append(rec.Leave, recert.Leave{ID: id.String, MemberID: memberCol.String, Type: eventID.String,
				Start: day.day(), End: until.day(), Approved: n.Int64 == 1})
		}
		return nil
	}
	return rowRead{query: query, args: args, dest: dest, each: each}, func() map[string]*ledger.Record { return credited(recs, attended, &narrow) }
}

// credited appends the session credits read (narrow) to their members' records, with what
// their attendance's row gave, each member's credits in date and id order.
func credited(recs map[string]*ledger.Record, attended map[string]*creditRow, narrow *chunked[sessionCredit]) map[string]*ledger.Record {
	of := func(member string) *ledger.Record { return recordOf(recs, member) }
	// A member's session credits come in runs of one attendance: its row is looked up once a run.
	var last *creditRow
	rowOf := func(attendanceID string) *creditRow {
		if last == nil || last.AttendanceID != attendanceID {
			if last = attended[attendanceID]; last == nil { // read in the same statement: never so
				last = &creditRow{AttendanceID: attendanceID}
			}
		}
		return last
	}
	for i := range narrow.n {
		n := narrow.at(int32(i))
		n.id = n.attendanceID + ":" + n.sessionID
		if n.category == "" {
			n.category = rowOf(n.attendanceID).Category
		}
	}
	// Sorted while small, by their index, which moves 4 bytes a swap rather than a row; each
	// member's credits are then appended in order.
	order := make([]int32, narrow.n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		a, b := narrow.at(i), narrow.at(j)
		return cmp.Or(recert.Date(a.date).Compare(recert.Date(b.date)), strings.Compare(a.id, b.id))
	})
	counts := map[string]int{}
	for i := range narrow.n {
		counts[rowOf(narrow.at(int32(i)).attendanceID).MemberID]++
	}
	for member, n := range counts {
		rec := of(member)
		rec.Credits = slices.Grow(rec.Credits, n)
	}
	lists := words{}
	var rec *ledger.Record
	for _, i := range order {
		n := narrow.at(i)
		e := rowOf(n.attendanceID)
		if rec == nil || e.MemberID != rec.Credits[len(rec.Credits)-1].MemberID {
			rec = recs[e.MemberID]
		}
		r := creditRow{ID: n.id, AttendanceID: n.attendanceID, MemberID: e.MemberID, Date: n.date,
			Category: n.category, CEUs: n.ceus, EventID: e.EventID, EventTitle: e.EventTitle, Format: e.Format, SessionID: n.sessionID,
			SessionTitle: n.title, Topics: n.topics, OrganizationID: e.OrganizationID, OrganizationName: e.OrganizationName,
			ApprovalRef: e.ApprovalRef, EventApprovers: e.EventApprovers, SessionApprovers: n.approvers}
		// Sessions of one event share their topics and approvers: one list each, not one per credit.
		c := r.credit(lists)
		if n.count > 1 {
			c.Count, c.SessionID = n.count, ""
		}
		rec.Credits = append(rec.Credits, c)
	}
	// Awarded credits were read among the session credits' rows: the order is mended where
	// they fall between.
	byDate := func(a, b recert.Credit) int { return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.ID, b.ID)) }
	for _, rec := range recs {
		if !slices.IsSortedFunc(rec.Credits, byDate) {
			slices.SortFunc(rec.Credits, byDate)
		}
	}
	return recs
}

// chunked is a list grown in chunks of a fixed size: a slice grown by append to thousands of
// rows allocates several times its final size, copying it as it goes.
type chunked[T any] struct {
	chunks [][]T
	n      int
}

const (
	chunkSize  = 128 // a few kilobytes
	firstChunk = 16  // grown by append to chunkSize: most members hold a few dozen credits
)

func (c *chunked[T]) add(v T) {
	if c.n%chunkSize == 0 {
		c.chunks = append(c.chunks, make([]T, 0, min(c.n+firstChunk, chunkSize)))
	}
	last := &c.chunks[len(c.chunks)-1]
	*last = append(*last, v)
	c.n++
}

// at is the i-th element added.
func (c *chunked[T]) at(i int32) *T { return &c.chunks[i/chunkSize][i%chunkSize] }

// sessionCredit is a session credit's own columns, as read.
type sessionCredit struct {
	id, category, attendanceID, sessionID, title, topics, approvers string
	date                                                            date
	ceus                                                            recert.Units
	count                                                           int
}

// words shares read-only word lists between credits made from the same text; nil shares none.
// Topics are kept under (topics, ""), approvers under (event's, session's): the two key alike
// only when they make the same list.
type words map[[2]string][]string

// of is the list made from a and b, made once.
func (w words) of(a, b string, build func() []string) []string {
	k := [2]string{a, b}
	if kept, ok := w[k]; ok {
		return kept
	}
	list := build()
	if w != nil {
		w[k] = list
	}
	return list
}

// dateWindow is the conditions of a window of dates on column, zero ends open.
func dateWindow(column string, from, to recert.Date) (string, []any) {
	var cond string
	var args []any
	if !from.IsZero() {
		cond, args = cond+" AND "+column+" >= ?", append(args, date(from))
	}
	if !to.IsZero() {
		cond, args = cond+" AND "+column+" <= ?", append(args, date(to))
	}
	return cond, args
}

// MemberCreatedBy reports whether one of the organizations created the member record: directly,
// or by posting a roster that matched no member (the relation or attendance was written in the
// same instant as the record).
func (s *Store) MemberCreatedBy(ctx context.Context, memberID string, scope recert.Scope) (bool, error) {
	if scope.None() || scope.All() {
		return scope.All(), nil
	}
	orgIDs := scope.IDs()
	var n int64
	err := s.conn(ctx).Raw(`SELECT COUNT(*) FROM members m WHERE m.id = ? AND (
		EXISTS (SELECT 1 FROM organization_members om
			WHERE om.member_id = m.id AND om.organization_id IN ? AND om.created_at = m.created_at)
		OR EXISTS (SELECT 1 FROM attendance a JOIN events e ON e.id = a.event_id
			WHERE a.member_id = m.id AND e.organization_id IN ? AND a.created_at = m.created_at))`,
		memberID, orgIDs, orgIDs).Scan(&n).Error
	return n > 0, TranslateError(err, "member origin")
}

// forMembers turns a query of one member's rows into one of several members' (member_id IN ?).
func forMembers(query string) string {
	return strings.ReplaceAll(query, "member_id = ?", "member_id IN ?")
}
