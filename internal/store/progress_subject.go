package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// ProgressSubject reads, in one statement, the member as their progress reads them (with
// their licences and whether a login claims them), the Version of what their progress depends
// on, and whether the scope sees them: one row per licence (one when they hold none).
func (s *Store) ProgressSubject(ctx context.Context, memberID string, scope recert.Scope) (ledger.Subject, error) {
	sub, _, err := s.progressSubject(ctx, memberID, scope, nil)
	return sub, err
}

// ProgressSubjectFor is ProgressSubject with the caller read in the same statement, as
// SignedInUser or Client reads it, so that a request that already knows its caller from an earlier one
// confirms it without a statement of its own. It reads from the primary, as every read of a
// caller does; FoldsCaller says whether the store can (not with a read replica, whose
// members' versions must match what their credits are read from).
func (s *Store) ProgressSubjectFor(ctx context.Context, memberID string, scope recert.Scope, caller ledger.CallerRead) (ledger.Subject, ledger.Caller, error) {
	return s.progressSubject(onPrimary(ctx), memberID, scope, &caller)
}

// FoldsCaller reports whether ProgressSubjectFor may be used: the store has no read replica.
func (s *Store) FoldsCaller() bool { return s.replica == nil }

func (s *Store) progressSubject(ctx context.Context, memberID string, scope recert.Scope, caller *ledger.CallerRead) (ledger.Subject, ledger.Caller, error) {
	read, subject := s.subjectRows(memberID, scope, caller)
	if err := s.readAll(ctx, read); err != nil {
		return ledger.Subject{}, ledger.Caller{}, TranslateError(err, "member "+memberID)
	}
	return subject()
}

// ProgressSubjectRecord is ProgressSubjectFor (ProgressSubject when caller is nil) and the
// member's MemberRecord as q reads it, whole (q's window is left open: it follows from the
// member), in one round trip on PostgreSQL: what an evaluation nothing was kept of reads.
// The record is read whatever the subject says; the caller reads it only when the subject
// is Visible.
func (s *Store) ProgressSubjectRecord(ctx context.Context, memberID string, scope recert.Scope, caller *ledger.CallerRead, q ledger.RecordQuery) (ledger.Subject, ledger.Caller, ledger.Record, error) {
	if caller != nil {
		ctx = onPrimary(ctx)
	}
	q.MemberID, q.From, q.To = memberID, recert.Date{}, recert.Date{}
	subjectRead, subject := s.subjectRows(memberID, scope, caller)
	query, args := recordSQL(q, memberID, false, s.engine)
	recordRead, records := recordRows(query, args)
	if err := s.readAll(ctx, subjectRead, recordRead); err != nil {
		return ledger.Subject{}, ledger.Caller{}, ledger.Record{}, TranslateError(err, "member "+memberID)
	}
	sub, read, err := subject()
	if err != nil {
		return sub, read, ledger.Record{}, err
	}
	return sub, read, memberRecord(records(), memberID), nil
}

// subjectRows is the read of progressSubject's rows and what makes the subject and caller of
// them once read.
func (s *Store) subjectRows(memberID string, scope recert.Scope, caller *ledger.CallerRead) (rowRead, func() (ledger.Subject, ledger.Caller, error)) {
	related, args := "TRUE", []any{}
	switch {
	case scope.None():
		related = "FALSE"
	case !scope.All():
		related, args = isRelatedM, []any{scope.IDs()}
	}
	var c callerScan
	if caller != nil {
		c = s.callerScan(*caller)
		args = append(args, c.args...)
	}
	var (
		sub                  ledger.Subject
		r                    memberRow
		licences             []licenseRow
		found                bool
		createdAt, updatedAt time.Time
		state, number        sql.NullString
		issued, expires      *date
	)
	targets := []any{&r.ID, &r.Name, &r.Email, &r.AbcpID, &r.CertificationDate, &r.AbcpCycle, &r.BirthMonth,
		&r.SocietyClass, &r.Status, &r.TrackingSince, &r.Version, &createdAt, &r.CreatedBy, &updatedAt, &r.UpdatedBy,
		&r.Claimed, &sub.Version.Ledger, &sub.Version.Programs, &sub.Visible,
		&state, &number, &issued, &expires}
	if caller != nil {
		targets = append(targets, c.targets...)
	}
	each := func() error {
		r.CreatedAt, r.UpdatedAt, found = createdAt, updatedAt, true
		if state.Valid {
			licences = append(licences, licenseRow{MemberID: r.ID, State: state.String, Number: number.String, IssuedOn: issued, ExpiresOn: expires})
		}
		issued, expires = nil, nil // each licence keeps its own
		return nil
	}
	read := rowRead{query: subjectSQL(related, c.query), args: append(args, memberID), dest: targets, each: each}
	return read, func() (ledger.Subject, ledger.Caller, error) {
		if !found {
			return ledger.Subject{}, ledger.Caller{}, recert.Errorf(recert.ENOTFOUND, "member %s not found", memberID)
		}
		sub.Member = r.member(licences)
		var read ledger.Caller
		if caller != nil {
			read = c.read()
		}
		return sub, read, nil
	}
}

// isRelatedM is isRelated of the member m.
var isRelatedM = strings.ReplaceAll(isRelated, "members.id", "m.id")

// subjectTexts are subjectSQL's texts by their few forms: whether and how the scope sees the
// member, and whether and which caller is read.
var subjectTexts texts[[2]string]

// subjectSQL is progressSubject's query: related says whether the scope sees the member, and
// callerSQL, when not "", reads the caller too.
func subjectSQL(related, callerSQL string) string {
	return subjectTexts.of([2]string{related, callerSQL}, func() string { return buildSubjectSQL(related, callerSQL) })
}

func buildSubjectSQL(related, callerSQL string) string {
	var b strings.Builder
	b.WriteString(`SELECT m.id, m.name, m.email, m.abcp_id, m.certification_date, m.abcp_cycle, m.birth_month,
	m.society_class, m.status, m.tracking_since, m.version, m.created_at, m.created_by, m.updated_at, m.updated_by,
	EXISTS (SELECT 1 FROM users WHERE users.member_id = m.id) AS claimed,
	COALESCE(v.version, 0) AS ledger_version, (SELECT COUNT(*) FROM programs) AS programs, `)
	b.WriteString(related + ` AS related,
	l.state, l.number, l.issued_on, l.expires_on`)
	if callerSQL != "" {
		b.WriteString(`, c.*`)
	}
	b.WriteString(`
FROM members m`)
	if callerSQL != "" {
		b.WriteString("\nLEFT JOIN (" + callerSQL + ") c ON 1 = 1")
	}
	b.WriteString(`
LEFT JOIN member_ledger v ON v.member_id = m.id
LEFT JOIN member_licenses l ON l.member_id = m.id
WHERE m.id = ?
ORDER BY l.state`)
	return b.String()
}

// callerScan reads a caller with another statement: its query and arguments, where its
// columns are scanned to, and the caller they make.
type callerScan struct {
	query   string
	args    []any
	targets []any
	read    func() ledger.Caller
}

func (s *Store) callerScan(caller ledger.CallerRead) callerScan {
	if strings.HasPrefix(caller.ID, recert.PrefixClient+"_") {
		var r clientCallerRow
		return callerScan{query: clientCallerSQL, args: []any{caller.ID}, targets: r.targets(), read: func() ledger.Caller {
			return ledger.Caller{Client: r.client(), Found: r.id.Valid}
		}}
	}
	var r callerRow
	query, args := s.callerSQL(caller.ID, caller.SignIn)
	return callerScan{query: query, args: args, targets: r.targets(), read: func() ledger.Caller {
		u, live, found := r.user()
		return ledger.Caller{User: u, Live: live, Found: found}
	}}
}
