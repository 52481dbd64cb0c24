package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// MemberRecord loads what a member's progress counts, dated in q's window, in one statement:
// posted credits and where they start and, for the whole record (no organizations named),
// self-reported activities that are not withdrawn, clinical entries and where they start, and
// leave. Each kind of row shares the credits' columns (scanRecord says which holds what),
// and holds what progress reads of it. A session credit's row holds only what is its own;
// what every session of an event shares (title, format, organization, approval) comes once
// per event, so a member of thousands of credits costs thousands of narrow rows, not wide ones.
func (s *Store) MemberRecord(ctx context.Context, q ledger.RecordQuery) (ledger.Record, error) {
	f := recert.CreditFilter{MemberID: q.MemberID, From: q.From, To: q.To, Scope: q.Scope}
	scope, scopeArgs := scopeSQL("e.organization_id", q.Scope)
	window, windowArgs := dateWindow("date", q.From, q.To)
	q2, args2 := creditFilter(awardedCreditsSQL, "e.end_date", "e.category", f)
	first, args3 := firstCreditSQL(q)
	sessions := recordSessionCreditsSQL
	if q.Brief { // a session's title only describes its credit
		sessions = strings.Replace(sessions, "s.title AS session_title", "NULL AS session_title", 1)
	}
	parts := []string{
		// The member's session credits are read once, for those in the window and for the
		// first of all.
		"WITH sc AS (" + sessions + scope + ")\n" + recordWindowSQL + window,
		"SELECT 1, " + strings.Replace(strings.TrimPrefix(q2, "SELECT "), "\nFROM", ", NULL, NULL\nFROM", 1),
		recordEventsSQL + scope,
		`SELECT 3, NULL, NULL, MIN(d), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM (` + first + `) firsts`,
	}
	args := slices.Concat([]any{q.MemberID}, scopeArgs, windowArgs, args2, []any{q.MemberID}, scopeArgs, args3)
	if q.Scope.All() {
		parts = append(parts,
			`SELECT 4, id, member_id, date, category, ceus, type, title, review_status, citation, provider, topics,
       NULL, NULL, approval_ref, approved_by, NULL, minutes, NULL
FROM activities WHERE member_id = ? AND withdrawn_at IS NULL`+window,
			`SELECT 5, id, member_id, date, NULL, NULL, type, NULL, role, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, count, NULL
FROM clinical_entries WHERE member_id = ? AND withdrawn_at IS NULL`+window,
			`SELECT 6, NULL, NULL, MIN(date), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM clinical_entries WHERE member_id = ? AND withdrawn_at IS NULL`,
			`SELECT 7, id, member_id, start_date, NULL, NULL, type, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, approved, end_date
FROM leave_periods WHERE member_id = ?`)
		args = slices.Concat(args, []any{q.MemberID}, windowArgs, []any{q.MemberID}, windowArgs, []any{q.MemberID, q.MemberID})
	}
	rec, err := s.scanRecord(ctx, q.MemberID, strings.Join(parts, "\nUNION ALL\n"), args...)
	if err != nil {
		return ledger.Record{}, TranslateError(err, "record")
	}
	// Sorted here rather than in SQL: PostgreSQL's collation and SQLite's byte order could
	// order ids differently, and the record must read the same on both.
	byDate := func(a, b recert.Credit) int { return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.ID, b.ID)) }
	if !slices.IsSortedFunc(rec.Credits, byDate) {
		slices.SortFunc(rec.Credits, byDate)
	}
	slices.SortFunc(rec.Activities, func(a, b recert.Activity) int { return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.ID, b.ID)) })
	slices.SortFunc(rec.Entries, func(a, b recert.ClinicalEntry) int {
		return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.ID, b.ID))
	})
	slices.SortFunc(rec.Leave, func(a, b recert.Leave) int { return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.ID, b.ID)) })
	return rec, nil
}

const (
	// recordSessionCreditsSQL is a member's session credits, each with what is its own: what
	// every session of an event shares (the attendance, whose id with the session's is the
	// credit's, and the event's category unless the session has its own) comes once per
	// event, recordEventsSQL. Each text column a row holds is one more string to allocate.
	recordSessionCreditsSQL = `SELECT s.date AS date, s.category AS category,
       x.ceus AS ceus, a.event_id AS event_id, s.id AS session_id, s.title AS session_title, s.topics AS topics,
       s.approved_by AS session_approvers
FROM attendance a
JOIN attendance_sessions x ON x.attendance_id = a.id
JOIN sessions s ON s.id = x.session_id
JOIN events e ON e.id = a.event_id
WHERE a.member_id = ? AND a.revoked_at IS NULL`
	// recordWindowSQL is the session credits (sc) in the window, as the record reads them. It
	// is the record's first branch, so it names and types every column; the others follow it
	// on PostgreSQL.
	recordWindowSQL = `SELECT 1 AS kind, CAST(NULL AS TEXT) AS id, CAST(NULL AS TEXT) AS member_id, date, category, ceus, event_id,
       CAST(NULL AS TEXT) AS event_title, CAST(NULL AS TEXT) AS format, session_id, session_title, topics,
       CAST(NULL AS TEXT) AS organization_id, CAST(NULL AS TEXT) AS organization_name, CAST(NULL AS TEXT) AS approval_ref,
       CAST(NULL AS TEXT) AS event_approvers, session_approvers, CAST(NULL AS INTEGER) AS n, CAST(NULL AS DATE) AS until
FROM sc WHERE 1 = 1`
	// recordEventsSQL is, once per event the member attended (one attendance an event),
	// what its session credits share.
	recordEventsSQL = `SELECT 2, a.id, NULL, NULL, e.category, NULL, e.id, e.title, e.format, NULL, NULL, NULL,
       o.id, o.name, e.approval_ref, e.approved_by, NULL, NULL, NULL
FROM attendance a JOIN events e ON e.id = a.event_id JOIN organizations o ON o.id = e.organization_id
WHERE a.member_id = ? AND a.revoked_at IS NULL`
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

// scanRecord reads the rows of a record query by position. What each column of a record row
// holds, by kind (lettered as above): c a credit (a session credit's narrow row, or an
// awarded credit's whole one), v what an event's session credits share, f the first credit's
// date, a an activity, e a clinical entry, g the first entry's date, l a leave period.
//
// A session credit's row has no id (its attendance's, with the session's, is the credit's)
// and a category only when the session has its own; its event's row gives the rest.
//
//	column   c                 v          a              e      l
//	id       attendance        attendance id             id     id
//	date     date                         date           date   start_date
//	category category          category   category
//	event_id event_id          id         type           type   type
//	title    event_title       title      title
//	format   format            format     review_status  role
//	session  session_id                   citation
//	s_title  session_title                provider
//	n                                     minutes        count  approved
//	until                                                       end_date
func (s *Store) scanRecord(ctx context.Context, memberID, query string, args ...any) (ledger.Record, error) {
	rec := ledger.Record{Credits: []recert.Credit{}}
	rows, err := s.rows(ctx, query, args...)
	if err != nil {
		return rec, err
	}
	defer rows.Close()
	var (
		id, memberCol, category, eventID, eventTitle, format, sessionID, sessionTitle, topics sql.NullString
		orgID, orgName, approvalRef, eventApprovers, sessionApprovers                         sql.NullString
		kind, ceus, n                                                                         sql.NullInt64
		day, until                                                                            sql.Null[date]
		narrow                                                                                chunked[sessionCredit]
	)
	events := map[string]creditRow{}
	for rows.Next() {
		err := rows.Scan(&kind, &id, &memberCol, &day, &category, &ceus, &eventID, &eventTitle, &format, &sessionID, &sessionTitle,
			&topics, &orgID, &orgName, &approvalRef, &eventApprovers, &sessionApprovers, &n, &until)
		if err != nil {
			return rec, err
		}
		switch kind.Int64 {
		case rowCredit:
			r := creditRow{AttendanceID: id.String, MemberID: memberID, Date: day.V, Category: category.String, CEUs: recert.Units(ceus.Int64),
				EventID: eventID.String, EventTitle: eventTitle.String, Format: format.String, SessionID: sessionID.String,
				SessionTitle: sessionTitle.String, Topics: topics.String, OrganizationID: orgID.String, OrganizationName: orgName.String,
				EventApprovers: eventApprovers.String, SessionApprovers: sessionApprovers.String}
			if approvalRef.Valid {
				r.ApprovalRef = &approvalRef.String
			}
			if r.SessionID == "" {
				rec.Credits = append(rec.Credits, r.credit(nil))
				continue
			}
			narrow.add(sessionCredit{date: r.Date, category: r.Category, ceus: r.CEUs,
				eventID: r.EventID, sessionID: r.SessionID, title: r.SessionTitle, topics: r.Topics, approvers: r.SessionApprovers})
		case rowEvent:
			r := creditRow{AttendanceID: id.String, Category: category.String, EventTitle: eventTitle.String, Format: format.String, OrganizationID: orgID.String,
				OrganizationName: orgName.String, EventApprovers: eventApprovers.String}
			if approvalRef.Valid {
				ref := approvalRef.String // the scanned variable is read into again
				r.ApprovalRef = &ref
			}
			events[eventID.String] = r
		case rowFirstCredit:
			rec.FirstCredit = optionalDay(day)
		case rowFirstEntry:
			rec.FirstEntry = optionalDay(day)
		case rowActivity:
			rec.Activities = append(rec.Activities, recert.Activity{ID: id.String, MemberID: memberCol.String, Type: eventID.String,
				Date: optionalDay(day), CEUs: recert.Units(ceus.Int64), Minutes: int(n.Int64), Category: category.String,
				ApprovedBy: strings.Fields(eventApprovers.String), Title: eventTitle.String, Citation: sessionID.String,
				Provider: sessionTitle.String, ApprovalRef: approvalRef.String, Topics: strings.Fields(topics.String),
				ReviewStatus: format.String})
		case rowEntry:
			rec.Entries = append(rec.Entries, recert.ClinicalEntry{ID: id.String, MemberID: memberCol.String, Date: optionalDay(day),
				Type: eventID.String, Role: format.String, Count: int(n.Int64)})
		case rowLeave:
			rec.Leave = append(rec.Leave, recert.Leave{ID: id.String, MemberID: memberCol.String, Type: eventID.String,
				Start: optionalDay(day), End: optionalDay(until), Approved: n.Int64 == 1})
		}
	}
	if err := rows.Err(); err != nil {
		return rec, err
	}
	for i := range narrow.n {
		n := narrow.at(int32(i))
		e := events[n.eventID]
		n.id = e.AttendanceID + ":" + n.sessionID
		if n.category == "" {
			n.category = e.Category
		}
	}
	// Sorted while small, by their index, which moves 4 bytes a swap rather than a row
	// (MemberRecord sorts the whole, in order then unless awarded credits fall between).
	order := make([]int32, narrow.n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		a, b := narrow.at(i), narrow.at(j)
		return cmp.Or(recert.Date(a.date).Compare(recert.Date(b.date)), strings.Compare(a.id, b.id))
	})
	rec.Credits = slices.Grow(rec.Credits, narrow.n)
	lists := words{}
	for _, i := range order {
		n := narrow.at(i)
		e := events[n.eventID]
		r := creditRow{ID: n.id, AttendanceID: e.AttendanceID, MemberID: memberID, Date: n.date,
			Category: n.category, CEUs: n.ceus, EventID: n.eventID, EventTitle: e.EventTitle, Format: e.Format, SessionID: n.sessionID,
			SessionTitle: n.title, Topics: n.topics, OrganizationID: e.OrganizationID, OrganizationName: e.OrganizationName,
			ApprovalRef: e.ApprovalRef, EventApprovers: e.EventApprovers, SessionApprovers: n.approvers}
		// Sessions of one event share their topics and approvers: one list each, not one per credit.
		rec.Credits = append(rec.Credits, r.credit(lists))
	}
	return rec, nil
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
	id, category, eventID, sessionID, title, topics, approvers string
	date                                                       date
	ceus                                                       recert.Units
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

// firstCreditSQL selects the dates (column d) whose earliest is the member's first credit in
// scope: attended sessions, CEUs awarded without a breakdown, and (for the whole record)
// activities not withdrawn.
func firstCreditSQL(q ledger.RecordQuery) (string, []any) {
	scope, more := scopeSQL("e.organization_id", q.Scope)
	args := append([]any{q.MemberID}, more...)
	query := `SELECT MIN(date) AS d FROM sc
	UNION ALL
	SELECT MIN(e.end_date) FROM attendance a JOIN events e ON e.id = a.event_id
		WHERE a.member_id = ? AND a.revoked_at IS NULL AND a.ceus_awarded > 0` + scope
	if q.Scope.All() {
		query += `
	UNION ALL
	SELECT MIN(date) FROM activities WHERE member_id = ? AND withdrawn_at IS NULL`
		args = append(args, q.MemberID)
	}
	return query, args
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

// MembersCredits is several members' credits dated from..to (zero: open) posted by the
// scope's organizations, by member, in one query, and each one's first such credit (whatever
// its date), in one more: what the evaluation of a page of members reads.
func (s *Store) MembersCredits(ctx context.Context, ids []string, from, to recert.Date, scope recert.Scope) (map[string][]recert.Credit, map[string]recert.Date, error) {
	f := recert.CreditFilter{From: from, To: to, Scope: scope}
	q1, args1 := creditFilter(forMembers(sessionCreditsSQL), "s.date", "COALESCE(s.category, e.category)", f)
	q2, args2 := creditFilter(forMembers(awardedCreditsSQL), "e.end_date", "e.category", f)
	args1[0], args2[0] = ids, ids
	list, err := s.scanCredits(ctx, q1+"\nUNION ALL\n"+q2, slices.Concat(args1, args2)...)
	if err != nil {
		return nil, nil, TranslateError(err, "credits")
	}
	// By member, then in date and id order: each member's credits are a run of the list.
	slices.SortFunc(list, func(a, b recert.Credit) int {
		return cmp.Or(strings.Compare(a.MemberID, b.MemberID), a.Date.Compare(b.Date), strings.Compare(a.ID, b.ID))
	})
	credits := map[string][]recert.Credit{}
	for i := 0; i < len(list); {
		j := i + 1
		for j < len(list) && list[j].MemberID == list[i].MemberID {
			j++
		}
		credits[list[i].MemberID] = list[i:j:j]
		i = j
	}
	cond, more := scopeSQL("e.organization_id", scope)
	var rows []struct {
		MemberID string
		D        *date
	}
	err = s.conn(ctx).Raw(`SELECT member_id, MIN(d) AS d FROM (
	SELECT a.member_id, MIN(s.date) AS d FROM attendance a JOIN attendance_sessions x ON x.attendance_id = a.id
		JOIN sessions s ON s.id = x.session_id JOIN events e ON e.id = a.event_id
		WHERE a.member_id IN ? AND a.revoked_at IS NULL`+cond+` GROUP BY a.member_id
	UNION ALL
	SELECT a.member_id, MIN(e.end_date) FROM attendance a JOIN events e ON e.id = a.event_id
		WHERE a.member_id IN ? AND a.revoked_at IS NULL AND a.ceus_awarded > 0`+cond+` GROUP BY a.member_id
) firsts GROUP BY member_id`, slices.Concat([]any{ids}, more, []any{ids}, more)...).Scan(&rows).Error
	if err != nil {
		return nil, nil, TranslateError(err, "record start")
	}
	firsts := map[string]recert.Date{}
	for _, r := range rows {
		if r.D != nil {
			firsts[r.MemberID] = r.D.day()
		}
	}
	return credits, firsts, nil
}

// forMembers turns a credits query of one member into one of several (a.member_id IN ?).
func forMembers(query string) string {
	return strings.Replace(query, "a.member_id = ?", "a.member_id IN ?", 1)
}
