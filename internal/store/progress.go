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
// and holds what progress reads of it.
func (s *Store) MemberRecord(ctx context.Context, q ledger.RecordQuery) (ledger.Record, error) {
	f := recert.CreditFilter{MemberID: q.MemberID, From: q.From, To: q.To, Scope: q.Scope}
	q1, args1 := creditFilter(sessionCreditsSQL, "s.date", "COALESCE(s.category, e.category)", f)
	q2, args2 := creditFilter(awardedCreditsSQL, "e.end_date", "e.category", f)
	first, args3 := firstCreditSQL(q)
	parts := []string{
		// The first branch names and types every column; on PostgreSQL the others follow it.
		"SELECT 'c' AS kind, " + strings.Replace(strings.TrimPrefix(q1, "SELECT "), "\nFROM", ",\n       CAST(NULL AS INTEGER) AS n, CAST(NULL AS DATE) AS until\nFROM", 1),
		"SELECT 'c', " + strings.Replace(strings.TrimPrefix(q2, "SELECT "), "\nFROM", ", NULL, NULL\nFROM", 1),
		`SELECT 'f', NULL, NULL, MIN(d), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM (` + first + `) firsts`,
	}
	args := slices.Concat(args1, args2, args3)
	if q.Scope.All() {
		window, wargs := dateWindow("date", q.From, q.To)
		parts = append(parts,
			`SELECT 'a', id, member_id, date, category, ceus, type, title, review_status, citation, provider, topics,
       NULL, NULL, approval_ref, approved_by, NULL, minutes, NULL
FROM activities WHERE member_id = ? AND withdrawn_at IS NULL`+window,
			`SELECT 'e', id, member_id, date, NULL, NULL, type, NULL, role, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, count, NULL
FROM clinical_entries WHERE member_id = ? AND withdrawn_at IS NULL`+window,
			`SELECT 'g', NULL, NULL, MIN(date), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM clinical_entries WHERE member_id = ? AND withdrawn_at IS NULL`,
			`SELECT 'l', id, member_id, start_date, NULL, NULL, type, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, approved, end_date
FROM leave_periods WHERE member_id = ?`)
		args = slices.Concat(args, []any{q.MemberID}, wargs, []any{q.MemberID}, wargs, []any{q.MemberID, q.MemberID})
	}
	rec, err := s.scanRecord(ctx, strings.Join(parts, "\nUNION ALL\n"), args...)
	if err != nil {
		return ledger.Record{}, TranslateError(err, "record")
	}
	// Sorted here rather than in SQL: PostgreSQL's collation and SQLite's byte order could
	// order ids differently, and the record must read the same on both.
	slices.SortFunc(rec.Credits, func(a, b recert.Credit) int { return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.ID, b.ID)) })
	slices.SortFunc(rec.Activities, func(a, b recert.Activity) int { return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.ID, b.ID)) })
	slices.SortFunc(rec.Entries, func(a, b recert.ClinicalEntry) int {
		return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.ID, b.ID))
	})
	slices.SortFunc(rec.Leave, func(a, b recert.Leave) int { return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.ID, b.ID)) })
	return rec, nil
}

// scanRecord reads the rows of a record query by position. What each column of a record row holds, by kind: c a credit (as the
// credits query), f the first credit's date, a an activity, e a clinical entry, g the first
// entry's date, l a leave period.
//
//	column   c                 a              e      l
//	id       attendance_id     id             id     id
//	date     date              date           date   start_date
//	event_id event_id          type           type   type
//	title    event_title       title
//	format   format            review_status  role
//	session  session_id        citation
//	s_title  session_title     provider
//	n                          minutes        count  approved
//	until                                            end_date
func (s *Store) scanRecord(ctx context.Context, query string, args ...any) (ledger.Record, error) {
	rec := ledger.Record{Credits: []recert.Credit{}}
	rows, err := s.conn(ctx).Raw(query, args...).Rows()
	if err != nil {
		return rec, err
	}
	defer rows.Close()
	var (
		kind, id, memberID, category, eventID, eventTitle, format, sessionID, sessionTitle, topics sql.NullString
		orgID, orgName, approvalRef, eventApprovers, sessionApprovers                              sql.NullString
		ceus, n                                                                                    sql.NullInt64
		day, until                                                                                 *date
	)
	for rows.Next() {
		day, until = nil, nil
		err := rows.Scan(&kind, &id, &memberID, &day, &category, &ceus, &eventID, &eventTitle, &format, &sessionID, &sessionTitle,
			&topics, &orgID, &orgName, &approvalRef, &eventApprovers, &sessionApprovers, &n, &until)
		if err != nil {
			return rec, err
		}
		switch kind.String {
		case "c":
			r := creditRow{AttendanceID: id.String, MemberID: memberID.String, Category: category.String, CEUs: recert.Units(ceus.Int64),
				EventID: eventID.String, EventTitle: eventTitle.String, Format: format.String, SessionID: sessionID.String,
				SessionTitle: sessionTitle.String, Topics: topics.String, OrganizationID: orgID.String, OrganizationName: orgName.String,
				EventApprovers: eventApprovers.String, SessionApprovers: sessionApprovers.String}
			if day != nil {
				r.Date = *day
			}
			if approvalRef.Valid {
				r.ApprovalRef = &approvalRef.String
			}
			rec.Credits = append(rec.Credits, r.credit())
		case "f":
			rec.FirstCredit = optionalDay(day)
		case "g":
			rec.FirstEntry = optionalDay(day)
		case "a":
			rec.Activities = append(rec.Activities, recert.Activity{ID: id.String, MemberID: memberID.String, Type: eventID.String,
				Date: optionalDay(day), CEUs: recert.Units(ceus.Int64), Minutes: int(n.Int64), Category: category.String,
				ApprovedBy: strings.Fields(eventApprovers.String), Title: eventTitle.String, Citation: sessionID.String,
				Provider: sessionTitle.String, ApprovalRef: approvalRef.String, Topics: strings.Fields(topics.String),
				ReviewStatus: format.String})
		case "e":
			rec.Entries = append(rec.Entries, recert.ClinicalEntry{ID: id.String, MemberID: memberID.String, Date: optionalDay(day),
				Type: eventID.String, Role: format.String, Count: int(n.Int64)})
		case "l":
			rec.Leave = append(rec.Leave, recert.Leave{ID: id.String, MemberID: memberID.String, Type: eventID.String,
				Start: optionalDay(day), End: optionalDay(until), Approved: n.Int64 == 1})
		}
	}
	return rec, rows.Err()
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
	query := `SELECT MIN(s.date) AS d FROM attendance a JOIN attendance_sessions x ON x.attendance_id = a.id
		JOIN sessions s ON s.id = x.session_id JOIN events e ON e.id = a.event_id
		WHERE a.member_id = ? AND a.revoked_at IS NULL` + scope + `
	UNION ALL
	SELECT MIN(e.end_date) FROM attendance a JOIN events e ON e.id = a.event_id
		WHERE a.member_id = ? AND a.revoked_at IS NULL AND a.ceus_awarded > 0` + scope
	args = append(args, args...)
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
	slices.SortFunc(list, func(a, b recert.Credit) int {
		return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.ID, b.ID))
	})
	credits := map[string][]recert.Credit{}
	for _, c := range list {
		credits[c.MemberID] = append(credits[c.MemberID], c)
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
