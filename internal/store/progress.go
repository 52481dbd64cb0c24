package store

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// MemberRecord loads what a member's progress counts, dated in q's window: posted credits and,
// for the whole record (no organizations named), self-reported activities that are not
// withdrawn, clinical entries and leave; and where the member's record starts.
func (s *Store) MemberRecord(ctx context.Context, q ledger.RecordQuery) (ledger.Record, error) {
	var rec ledger.Record
	var err error
	rec.Credits, err = s.Credits(ctx, recert.CreditFilter{MemberID: q.MemberID, From: q.From, To: q.To, Scope: q.Scope})
	if err != nil {
		return rec, err
	}
	if rec.FirstCredit, err = s.firstCredit(ctx, q); err != nil || !q.Scope.All() {
		return rec, err
	}
	if rec.Activities, err = s.activitiesIn(ctx, q); err != nil {
		return rec, err
	}
	if rec.Entries, err = s.ClinicalEntries(ctx, q.MemberID, q.From, q.To); err != nil {
		return rec, err
	}
	if rec.FirstEntry, err = s.earliest(ctx, `SELECT MIN(date) AS d FROM clinical_entries WHERE member_id = ? AND withdrawn_at IS NULL`, q.MemberID); err != nil {
		return rec, err
	}
	rec.Leave, err = s.LeavePeriods(ctx, q.MemberID)
	return rec, err
}

// activitiesIn lists the member's activities dated in the window that are not withdrawn,
// rejected ones included.
func (s *Store) activitiesIn(ctx context.Context, q ledger.RecordQuery) ([]recert.Activity, error) {
	var rows []activityRow
	db := s.conn(ctx).Where("member_id = ? AND withdrawn_at IS NULL", q.MemberID).Order("date, id")
	if !q.From.IsZero() {
		db = db.Where("date >= ?", date(q.From))
	}
	if !q.To.IsZero() {
		db = db.Where("date <= ?", date(q.To))
	}
	if err := db.Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "activities")
	}
	out := make([]recert.Activity, len(rows))
	for i, r := range rows {
		out[i] = r.activity()
	}
	return out, nil
}

// firstCredit is the date of the member's earliest credit in scope: attended sessions,
// CEUs awarded without a breakdown, and (for the whole record) activities not withdrawn.
func (s *Store) firstCredit(ctx context.Context, q ledger.RecordQuery) (recert.Date, error) {
	scope, more := scopeSQL("e.organization_id", q.Scope)
	args := append([]any{q.MemberID}, more...)
	query := `SELECT MIN(d) AS d FROM (
	SELECT MIN(s.date) AS d FROM attendance a JOIN attendance_sessions x ON x.attendance_id = a.id
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
	return s.earliest(ctx, query+`
) firsts`, args...)
}

// earliest runs a query of one nullable date column named d.
func (s *Store) earliest(ctx context.Context, query string, args ...any) (recert.Date, error) {
	var row struct{ D *date }
	if err := s.conn(ctx).Raw(query, args...).Scan(&row).Error; err != nil {
		return recert.Date{}, TranslateError(err, "record start")
	}
	if row.D == nil {
		return recert.Date{}, nil
	}
	return row.D.day(), nil
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
