package store

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/recert-dev/recert/internal/recert"
)

// creditRow is one line of the credits query: a session credit or a CEUs-awarded one.
type creditRow struct {
	ID               string `gorm:"-"` // attendance:session when read so; else made from them
	AttendanceID     string
	MemberID         string
	Date             date
	Category         string
	CEUs             recert.Units `gorm:"column:ceus"`
	EventID          string
	EventTitle       string
	Format           string
	SessionID        string
	SessionTitle     string
	Topics           string
	OrganizationID   string
	OrganizationName string
	ApprovalRef      *string
	EventApprovers   string
	SessionApprovers string
}

// credit is the row as a credit; lists, when not nil, shares equal word lists between rows.
func (r creditRow) credit(lists words) recert.Credit {
	id := r.ID
	if id == "" {
		id = r.AttendanceID
		if r.SessionID != "" {
			id += ":" + r.SessionID
		}
	}
	return recert.Credit{
		ID: id, AttendanceID: r.AttendanceID, MemberID: r.MemberID, Date: r.Date.day(), Category: r.Category,
		CEUs: r.CEUs, EventID: r.EventID, EventTitle: r.EventTitle, Format: r.Format,
		SessionID: r.SessionID, SessionTitle: r.SessionTitle, Topics: lists.of(r.Topics, "", func() []string { return strings.Fields(r.Topics) }),
		OrganizationID: r.OrganizationID, OrganizationName: r.OrganizationName, ApprovalRef: deref(r.ApprovalRef),
		ApprovedBy: lists.of(r.EventApprovers, r.SessionApprovers, func() []string { return approvers(r.EventApprovers, r.SessionApprovers) }),
		// Attendance is posted by the event's organizer, never self-reported.
		Verified: true,
	}
}

// approvers joins an event's approvers and a session's, once each.
func approvers(event, session string) []string {
	out := strings.Fields(event)
	for _, a := range strings.Fields(session) {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// The two kinds of credit an attendance yields: one per attended session, dated on the
// session's day, and one for CEUs awarded without a breakdown, dated on the event's last
// day (rules, decision 2). Both start from the member's index on attendance.
const (
	sessionCreditsSQL = `SELECT a.id AS attendance_id, a.member_id, s.date AS date, COALESCE(s.category, e.category) AS category, x.ceus,
       e.id AS event_id, e.title AS event_title, e.format, s.id AS session_id, s.title AS session_title,
       s.topics, o.id AS organization_id, o.name AS organization_name, e.approval_ref,
       e.approved_by AS event_approvers, s.approved_by AS session_approvers
FROM attendance a
JOIN attendance_sessions x ON x.attendance_id = a.id
JOIN sessions s ON s.id = x.session_id
JOIN events e ON e.id = a.event_id
JOIN organizations o ON o.id = e.organization_id
WHERE a.member_id = ? AND a.revoked_at IS NULL`
	awardedCreditsSQL = `SELECT a.id, a.member_id, e.end_date, e.category, a.ceus_awarded,
       e.id, e.title, e.format, '', '', '', o.id, o.name, e.approval_ref, e.approved_by, ''
FROM attendance a
JOIN events e ON e.id = a.event_id
JOIN organizations o ON o.id = e.organization_id
WHERE a.member_id = ? AND a.revoked_at IS NULL AND a.ceus_awarded > 0`
)

// Credits returns a member's ledger of verified credits from attendance that is not
// revoked, in date order (then id), in one query.
func (s *Store) Credits(ctx context.Context, f recert.CreditFilter) ([]recert.Credit, error) {
	q1, args1 := creditFilter(sessionCreditsSQL, "s.date", "COALESCE(s.category, e.category)", f)
	q2, args2 := creditFilter(awardedCreditsSQL, "e.end_date", "e.category", f)
	out, err := s.scanCredits(ctx, q1+"\nUNION ALL\n"+q2, slices.Concat(args1, args2)...)
	if err != nil {
		return nil, TranslateError(err, "credits")
	}
	// Sorted here rather than in SQL: PostgreSQL's collation and SQLite's byte order could
	// order ids differently, and the ledger must read the same on both.
	slices.SortFunc(out, func(a, b recert.Credit) int {
		return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// scanCredits runs a credits query and reads its rows by position: a member's ledger can hold
// thousands of credits, and reading them by reflection cost more than the query.
func (s *Store) scanCredits(ctx context.Context, query string, args ...any) ([]recert.Credit, error) {
	var read chunked[recert.Credit] // then copied once into a slice of the right size
	var r creditRow
	var category, format, sessionID, sessionTitle, topics, approvalRef, eventApprovers, sessionApprovers textColumn
	var day dateColumn
	var ceus intColumn
	dest := []any{&r.AttendanceID, &r.MemberID, &day, &category, &ceus, &r.EventID, &r.EventTitle, &format,
		&sessionID, &sessionTitle, &topics, &r.OrganizationID, &r.OrganizationName, &approvalRef, &eventApprovers, &sessionApprovers}
	err := s.read(ctx, query, args, dest, func() error {
		r.Date, r.CEUs = day.V, recert.Units(ceus.Int64)
		r.Category, r.Format, r.SessionID, r.SessionTitle = category.String, format.String, sessionID.String, sessionTitle.String
		r.Topics, r.EventApprovers, r.SessionApprovers = topics.String, eventApprovers.String, sessionApprovers.String
		r.ApprovalRef = nil
		if approvalRef.Valid {
			r.ApprovalRef = &approvalRef.String // read at once by credit
		}
		read.add(r.credit(nil))
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]recert.Credit, 0, read.n)
	for _, c := range read.chunks {
		out = append(out, c...)
	}
	return out, nil
}

// creditFilter appends f's conditions to one branch of the credits query; dateColumn is that
// branch's credit date column.
func creditFilter(query, dateColumn, category string, f recert.CreditFilter) (string, []any) {
	var b strings.Builder
	b.WriteString(query)
	args := []any{f.MemberID}
	if !f.From.IsZero() {
		b.WriteString(" AND " + dateColumn + " >= ?")
		args = append(args, date(f.From))
	}
	if !f.To.IsZero() {
		b.WriteString(" AND " + dateColumn + " <= ?")
		args = append(args, date(f.To))
	}
	if f.Category != "" {
		b.WriteString(" AND " + category + " = ?")
		args = append(args, f.Category)
	}
	cond, more := scopeSQL("e.organization_id", f.Scope)
	b.WriteString(cond)
	args = append(args, more...)
	return b.String(), args
}
