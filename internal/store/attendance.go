package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/recert-dev/recert/internal/recert"
)

type attendanceRow struct {
	ID           string `gorm:"primaryKey"`
	EventID      string
	MemberID     string
	CEUsAwarded  recert.Units `gorm:"column:ceus_awarded"`
	RevokedAt    *time.Time
	RevokeReason *string
	Version      int
	CreatedAt    time.Time
	CreatedBy    string
	UpdatedAt    time.Time
	UpdatedBy    string
}

func (attendanceRow) TableName() string { return "attendance" }

type attendanceSessionRow struct {
	AttendanceID string `gorm:"primaryKey"`
	SessionID    string `gorm:"primaryKey"`
	MemberID     string
	CEUs         recert.Units `gorm:"column:ceus"`
}

func (attendanceSessionRow) TableName() string { return "attendance_sessions" }

// historyRow is one step in the history of an attendance or (ActivityID) an activity.
type historyRow struct {
	ID           string `gorm:"primaryKey"`
	AttendanceID *string
	ActivityID   *string
	At           time.Time
	Actor        string
	Action       string
	Reason       *string
	BeforeState  *string
	AfterState   string
}

func (historyRow) TableName() string { return "history" }

// toAttendanceRow keeps revokedAt as given: the domain type only says whether it is revoked.
func toAttendanceRow(a recert.Attendance, revokedAt *time.Time) attendanceRow {
	return attendanceRow{
		ID: a.ID, EventID: a.EventID, MemberID: a.MemberID, CEUsAwarded: a.CEUsAwarded,
		RevokedAt: revokedAt, RevokeReason: nullable(a.RevokeReason), Version: a.Version,
		CreatedAt: a.CreatedAt, CreatedBy: a.CreatedBy, UpdatedAt: a.UpdatedAt, UpdatedBy: a.UpdatedBy,
	}
}

func (r attendanceRow) attendance(sessions []attendanceSessionRow) recert.Attendance {
	a := recert.Attendance{
		ID: r.ID, EventID: r.EventID, MemberID: r.MemberID, CEUsAwarded: r.CEUsAwarded,
		Revoked: r.RevokedAt != nil, RevokeReason: deref(r.RevokeReason), Version: r.Version,
		Sessions: make([]recert.SessionCredit, 0, len(sessions)),
		Audit:    recert.Audit{CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, UpdatedAt: r.UpdatedAt.UTC(), UpdatedBy: r.UpdatedBy},
	}
	for _, s := range sessions {
		a.Sessions = append(a.Sessions, recert.SessionCredit{SessionID: s.SessionID, CEUs: s.CEUs})
	}
	return a
}

func attendanceSessionRows(a recert.Attendance) []attendanceSessionRow {
	rows := make([]attendanceSessionRow, len(a.Sessions))
	for i, s := range a.Sessions {
		rows[i] = attendanceSessionRow{AttendanceID: a.ID, SessionID: s.SessionID, MemberID: a.MemberID, CEUs: s.CEUs}
	}
	return rows
}

// Attendance returns one attendance record, revoked or not.
func (s *Store) Attendance(ctx context.Context, id string) (recert.Attendance, error) {
	db := s.db.WithContext(ctx)
	as, err := loadAttendance(db, db.Where("id = ?", id))
	if err != nil {
		return recert.Attendance{}, err
	}
	if len(as) == 0 {
		return recert.Attendance{}, recert.Errorf(recert.ENOTFOUND, "attendance %s not found", id)
	}
	return as[0], nil
}

// EventAttendance lists the attendance at an event by id, revoked included, a page at a time.
func (s *Store) EventAttendance(ctx context.Context, eventID string, p recert.Page) ([]recert.Attendance, string, error) {
	db := s.db.WithContext(ctx)
	return attendancePage(db, db.Where("event_id = ?", eventID), p)
}

// MemberAttendance lists a member's attendance by id, a page at a time; orgIDs, when not
// nil, keeps only the attendance at those organizations' events.
func (s *Store) MemberAttendance(ctx context.Context, memberID string, orgIDs []string, p recert.Page) ([]recert.Attendance, string, error) {
	db := s.db.WithContext(ctx)
	q := db.Where("member_id = ?", memberID)
	if orgIDs != nil {
		q = q.Where("event_id IN (SELECT id FROM events WHERE organization_id IN ?)", slices.Concat(orgIDs, []string{""}))
	}
	return attendancePage(db, q, p)
}

func attendancePage(db, q *gorm.DB, p recert.Page) ([]recert.Attendance, string, error) {
	limit := pageLimit(p.Limit)
	q = q.Order("id").Limit(limit + 1)
	if p.After != "" {
		q = q.Where("id > ?", p.After)
	}
	as, err := loadAttendance(db, q)
	if err != nil {
		return nil, "", err
	}
	as, next := cut(as, limit, func(a recert.Attendance) string { return a.ID })
	return as, next, nil
}

// loadAttendance runs q and fetches the attended sessions of every record found with one
// more query per batchSize records, each record's sessions in the event's order.
func loadAttendance(db, q *gorm.DB) ([]recert.Attendance, error) {
	var rows []attendanceRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "attendance")
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	byAttendance := map[string][]attendanceSessionRow{}
	for chunk := range slices.Chunk(ids, batchSize) {
		var ss []attendanceSessionRow
		err := db.Table("attendance_sessions").Select("attendance_sessions.*").
			Joins("JOIN sessions ON sessions.id = attendance_sessions.session_id").
			Where("attendance_sessions.attendance_id IN ?", chunk).Order("sessions.position").Find(&ss).Error
		if err != nil {
			return nil, TranslateError(err, "attended sessions")
		}
		for _, x := range ss {
			byAttendance[x.AttendanceID] = append(byAttendance[x.AttendanceID], x)
		}
	}
	out := make([]recert.Attendance, len(rows))
	for i, r := range rows {
		out[i] = r.attendance(byAttendance[r.ID])
	}
	return out, nil
}

// problem is one invalid input value, before it is placed in a request (a roster row or a
// correction) as a FieldError.
type problem struct{ field, detail string }

// desiredAttendance is what sessionIDs and ceus ask for at ev: the sessions named (in the
// event's order), or CEUs awarded without a breakdown, or, with neither, every session.
func desiredAttendance(ev recert.Event, sessionIDs []string, ceus *recert.Units) ([]recert.SessionCredit, recert.Units, *problem) {
	if len(sessionIDs) > 0 && ceus != nil {
		return nil, 0, &problem{"ceus", "give either sessions or CEUs, not both"}
	}
	if ceus != nil {
		if *ceus <= 0 {
			return nil, 0, &problem{"ceus", "CEUs must be more than 0.00"}
		}
		if offered := ev.CEUs(); *ceus > offered {
			return nil, 0, &problem{"ceus", fmt.Sprintf("awards %s CEUs; the event offers %s", *ceus, offered)}
		}
		return []recert.SessionCredit{}, *ceus, nil
	}
	want := map[string]bool{}
	for _, id := range sessionIDs {
		if !slices.ContainsFunc(ev.Sessions, func(s recert.Session) bool { return s.ID == id }) {
			return nil, 0, &problem{"sessions", fmt.Sprintf("session %s is not a session of event %s", id, ev.ID)}
		}
		want[id] = true
	}
	out := []recert.SessionCredit{}
	for _, s := range ev.Sessions {
		if len(want) == 0 || want[s.ID] {
			out = append(out, recert.SessionCredit{SessionID: s.ID, CEUs: s.CEUs})
		}
	}
	return out, 0, nil
}

// sameCredit reports whether a already grants what want asks for, so posting it again
// changes nothing.
func sameCredit(a, want recert.Attendance) bool {
	return !a.Revoked && a.CEUsAwarded == want.CEUsAwarded && slices.Equal(a.Sessions, want.Sessions)
}

// CorrectAttendance changes the sessions or CEUs of an attendance record, with the same
// checks as a roster row, and records why. A correction that changes nothing writes nothing.
func (s *Store) CorrectAttendance(ctx context.Context, id string, sessionIDs []string, ceus *recert.Units, reason, actor string) (recert.Attendance, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return recert.Attendance{}, reasonRequired()
	}
	var out recert.Attendance
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, ev, err := s.lockAttendance(tx, id)
		if err != nil {
			return err
		}
		if a.Revoked {
			return recert.Errorf(recert.ECONFLICT, "attendance %s is revoked; post it on a roster again to restore it", id)
		}
		sessions, awarded, p := desiredAttendance(ev, sessionIDs, ceus)
		if p != nil {
			fe := recert.FieldError{Location: "body", Pointer: "#/" + p.field, Detail: p.detail}
			return &recert.Error{Code: recert.EINVALID, Message: p.detail, Fields: []recert.FieldError{fe}}
		}
		next := a
		next.Sessions, next.CEUsAwarded = sessions, awarded
		if sameCredit(a, next) {
			out = a
			return nil
		}
		out, err = s.changeAttendance(tx, a, next, "updated", reason, actor, true)
		return err
	})
	return out, err
}

// RevokeAttendance withdraws an attendance record and its credits, keeping it on file.
func (s *Store) RevokeAttendance(ctx context.Context, id, reason, actor string) (recert.Attendance, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return recert.Attendance{}, reasonRequired()
	}
	var out recert.Attendance
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, _, err := s.lockAttendance(tx, id)
		if err != nil {
			return err
		}
		if a.Revoked {
			return recert.Errorf(recert.ECONFLICT, "attendance %s is already revoked", id)
		}
		next := a
		next.Revoked, next.RevokeReason = true, reason
		out, err = s.changeAttendance(tx, a, next, "revoked", reason, actor, false)
		return err
	})
	return out, err
}

func reasonRequired() error {
	fe := recert.FieldError{Location: "body", Pointer: "#/reason", Detail: "say why the attendance changes"}
	return &recert.Error{Code: recert.EINVALID, Message: "a reason is required", Fields: []recert.FieldError{fe}}
}

// lockAttendance locks the attendance's event row, as a roster does, so that a correction
// and a roster for the same event never interleave, then reads the attendance and event.
func (s *Store) lockAttendance(tx *gorm.DB, id string) (recert.Attendance, recert.Event, error) {
	res := tx.Exec("UPDATE events SET status = status WHERE id = (SELECT event_id FROM attendance WHERE id = ?)", id)
	if res.Error != nil {
		return recert.Attendance{}, recert.Event{}, TranslateError(res.Error, "event")
	}
	if res.RowsAffected == 0 {
		return recert.Attendance{}, recert.Event{}, recert.Errorf(recert.ENOTFOUND, "attendance %s not found", id)
	}
	as, err := loadAttendance(tx, tx.Where("id = ?", id))
	if err != nil {
		return recert.Attendance{}, recert.Event{}, err
	}
	ev, err := s.eventTx(tx, as[0].EventID)
	return as[0], ev, err
}

// changeAttendance stores next over a (same id), bumping the version, and appends the
// history entry; sessions says whether the attended sessions are rewritten.
func (s *Store) changeAttendance(tx *gorm.DB, a, next recert.Attendance, action, reason, actor string, sessions bool) (recert.Attendance, error) {
	now := s.now()
	next.Version, next.UpdatedAt, next.UpdatedBy = a.Version+1, now, actor
	var revokedAt *time.Time
	if next.Revoked {
		revokedAt = &now
	}
	res := tx.Model(&attendanceRow{}).Where("id = ? AND version = ?", a.ID, a.Version).Updates(map[string]any{
		"ceus_awarded": next.CEUsAwarded, "revoked_at": revokedAt, "revoke_reason": nullable(next.RevokeReason),
		"version": next.Version, "updated_at": now, "updated_by": actor,
	})
	if res.Error != nil {
		return recert.Attendance{}, TranslateError(res.Error, "attendance")
	}
	if res.RowsAffected == 0 {
		return recert.Attendance{}, recert.Errorf(recert.ECONFLICT, "attendance %s was changed meanwhile; try again", a.ID)
	}
	if sessions {
		if err := tx.Where("attendance_id = ?", a.ID).Delete(&attendanceSessionRow{}).Error; err != nil {
			return recert.Attendance{}, TranslateError(err, "attended sessions")
		}
		if err := insertAll(tx, attendanceSessionRows(next), "an attended session"); err != nil {
			return recert.Attendance{}, err
		}
	}
	h, err := historyEntry(&a, next, action, reason, actor, now)
	if err != nil {
		return recert.Attendance{}, err
	}
	return next, TranslateError(tx.Create(&h).Error, "attendance history")
}

// AttendanceHistory returns every change of an attendance record, oldest first.
func (s *Store) AttendanceHistory(ctx context.Context, id string) ([]recert.AttendanceChange, error) {
	var rows []historyRow
	if err := s.db.WithContext(ctx).Where("attendance_id = ?", id).Order("at").Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "attendance history")
	}
	// Every record is created with a history entry, so none means no such record.
	if len(rows) == 0 {
		return nil, recert.Errorf(recert.ENOTFOUND, "attendance %s not found", id)
	}
	out := make([]recert.AttendanceChange, len(rows))
	for i, r := range rows {
		c, err := r.change()
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	// Each change bumps the version, which orders changes even within one clock tick.
	sort.SliceStable(out, func(i, j int) bool { return out[i].After.Version < out[j].After.Version })
	return out, nil
}

// attendanceState is how an attendance is kept in its history: small, stable JSON.
type attendanceState struct {
	ID           string         `json:"id"`
	EventID      string         `json:"event_id"`
	MemberID     string         `json:"member_id"`
	Sessions     []sessionState `json:"sessions"`
	CEUsAwarded  recert.Units   `json:"ceus_awarded"`
	Revoked      bool           `json:"revoked"`
	RevokeReason string         `json:"revoke_reason,omitempty"`
	Version      int            `json:"version"`
	CreatedAt    time.Time      `json:"created_at"`
	CreatedBy    string         `json:"created_by"`
	UpdatedAt    time.Time      `json:"updated_at"`
	UpdatedBy    string         `json:"updated_by"`
}

type sessionState struct {
	SessionID string       `json:"session_id"`
	CEUs      recert.Units `json:"ceus"`
}

func encodeState(a recert.Attendance) (string, error) {
	st := attendanceState{
		ID: a.ID, EventID: a.EventID, MemberID: a.MemberID, Sessions: make([]sessionState, len(a.Sessions)),
		CEUsAwarded: a.CEUsAwarded, Revoked: a.Revoked, RevokeReason: a.RevokeReason, Version: a.Version,
		CreatedAt: a.CreatedAt, CreatedBy: a.CreatedBy, UpdatedAt: a.UpdatedAt, UpdatedBy: a.UpdatedBy,
	}
	for i, s := range a.Sessions {
		st.Sessions[i] = sessionState(s)
	}
	b, err := json.Marshal(st)
	if err != nil {
		return "", recert.Wrap(err, recert.EINTERNAL, "cannot record the attendance history")
	}
	return string(b), nil
}

func decodeState(s string) (recert.Attendance, error) {
	var st attendanceState
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		return recert.Attendance{}, recert.Wrap(err, recert.EINTERNAL, "cannot read the attendance history")
	}
	a := recert.Attendance{
		ID: st.ID, EventID: st.EventID, MemberID: st.MemberID, Sessions: make([]recert.SessionCredit, len(st.Sessions)),
		CEUsAwarded: st.CEUsAwarded, Revoked: st.Revoked, RevokeReason: st.RevokeReason, Version: st.Version,
		Audit: recert.Audit{CreatedAt: st.CreatedAt.UTC(), CreatedBy: st.CreatedBy, UpdatedAt: st.UpdatedAt.UTC(), UpdatedBy: st.UpdatedBy},
	}
	for i, x := range st.Sessions {
		a.Sessions[i] = recert.SessionCredit(x)
	}
	return a, nil
}

// historyEntry records the change from before (nil when created) to after.
func historyEntry(before *recert.Attendance, after recert.Attendance, action, reason, actor string, at time.Time) (historyRow, error) {
	h := historyRow{ID: recert.NewID(recert.PrefixChange), AttendanceID: &after.ID, At: at, Actor: actor, Action: action, Reason: nullable(reason)}
	var err error
	if h.AfterState, err = encodeState(after); err != nil {
		return h, err
	}
	if before != nil {
		b, err := encodeState(*before)
		if err != nil {
			return h, err
		}
		h.BeforeState = &b
	}
	return h, nil
}

func (r historyRow) change() (recert.AttendanceChange, error) {
	c := recert.AttendanceChange{ID: r.ID, AttendanceID: deref(r.AttendanceID), At: r.At.UTC(), Actor: r.Actor, Action: r.Action, Reason: deref(r.Reason)}
	var err error
	if c.After, err = decodeState(r.AfterState); err != nil {
		return c, err
	}
	if r.BeforeState != nil {
		b, err := decodeState(*r.BeforeState)
		if err != nil {
			return c, err
		}
		c.Before = &b
	}
	return c, nil
}

// insertAll inserts rows in batches through tx (which may carry an ON CONFLICT clause).
func insertAll[T any](tx *gorm.DB, rows []T, what string) error {
	if len(rows) == 0 {
		return nil
	}
	return TranslateError(tx.CreateInBatches(&rows, batchSize).Error, what)
}

// RosterOptions say how a roster is applied. It is recert's type, named here as well so the
// store's callers and the HTTP layer's interface agree on one type.
type RosterOptions = recert.RosterOptions

// IdempotencyKey identifies a retry-safe request; recert's type, named here as well.
type IdempotencyKey = recert.IdempotencyKey

// rosterPlan is one roster row on its way through the checks to a write.
type rosterPlan struct {
	row    recert.RosterRow
	out    recert.RosterOutcome
	abcp   string // trimmed
	email  string // normalized
	member string // the existing member matched; "" when one is to be created
	via    string // the field that matched an existing member: abcp_id or email
	want   recert.Attendance
	have   *recert.Attendance
}

func (p *rosterPlan) reject(field, detail string) {
	p.out.Status, p.out.Reason = recert.RowRejected, detail
	p.out.MemberCreated, p.member = false, ""
	p.out.Fields = []recert.FieldError{{Location: "body", Pointer: fmt.Sprintf("#/rows/%d/%s", p.row.Index, field), Detail: detail}}
}

func (p *rosterPlan) rejected() bool { return p.out.Status == recert.RowRejected }

// errRollback ends a dry run's transaction without it being an error for the caller.
var errRollback = errors.New("dry run: roll back")

// ApplyRoster posts the attendance of a published event, one row per attendee, in one
// transaction. Attendees are found by ABCP ID, then email; unknown ones become unclaimed
// members of the event's organization. Each row's outcome says whether its attendance was
// created, updated, left unchanged or rejected. By default any rejected row writes nothing
// (and the error lists every rejected row); o.Partial writes the valid rows; o.DryRun
// writes nothing. With o.Respond and o.Idempotency, the response is stored under the key in
// the same transaction as the rows.
func (s *Store) ApplyRoster(ctx context.Context, eventID string, rows []recert.RosterRow, o RosterOptions) ([]recert.RosterOutcome, error) {
	var outcomes []recert.RosterOutcome
	keep := false // whether outcomes answer the caller even though nothing is committed
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ev, err := s.rosterEvent(tx, eventID)
		if err != nil {
			return err
		}
		plans := planRoster(ev, rows)
		if err := matchMembers(tx, plans); err != nil {
			return err
		}
		if err := compareAttendance(tx, ev.ID, plans); err != nil {
			return err
		}
		outcomes = rosterOutcomes(plans)
		if err := rejection(plans); err != nil && !o.Partial {
			keep = true
			return err
		}
		if o.DryRun {
			keep = true
			return errRollback
		}
		now := s.now()
		if err := writeRoster(tx, ev, plans, o.Actor, now); err != nil {
			return err
		}
		outcomes = rosterOutcomes(plans)
		return storeResponse(tx, o, outcomes, now)
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	if err != nil && !keep {
		outcomes = nil // they would name ids that were rolled back
	}
	return outcomes, err
}

// rosterEvent locks the event's row, so rosters and corrections for one event take turns
// and a concurrent status change or session edit waits, then reads the event (after the
// lock, so PostgreSQL reads its current state) and checks that it takes attendance.
func (s *Store) rosterEvent(tx *gorm.DB, id string) (recert.Event, error) {
	res := tx.Exec("UPDATE events SET status = status WHERE id = ?", id)
	if res.Error != nil {
		return recert.Event{}, TranslateError(res.Error, "event")
	}
	if res.RowsAffected == 0 {
		return recert.Event{}, recert.Errorf(recert.ENOTFOUND, "event %s not found", id)
	}
	ev, err := s.eventTx(tx, id)
	if err != nil {
		return recert.Event{}, err
	}
	switch ev.Status {
	case recert.EventCancelled:
		return recert.Event{}, recert.Errorf(recert.ECONFLICT, "event %s is cancelled", id)
	case recert.EventDraft:
		return recert.Event{}, recert.Errorf(recert.ECONFLICT, "publish event %s before posting attendance", id)
	}
	return ev, nil
}

// planRoster runs the checks that need nothing but the row and the event.
func planRoster(ev recert.Event, rows []recert.RosterRow) []*rosterPlan {
	plans := make([]*rosterPlan, len(rows))
	for i, r := range rows {
		p := &rosterPlan{row: r, abcp: strings.TrimSpace(r.ABCPID), email: NormalizeEmail(r.Email)}
		p.out.Index = r.Index
		plans[i] = p
		switch {
		case p.abcp == "" && p.email == "" && p.row.MemberID == "":
			p.reject("abcp_id", "give the attendee's ABCP ID or email")
			continue
		case p.abcp != "" && !isABCPID(p.abcp):
			// A malformed ID matches nobody and would break the members table's check.
			p.reject("abcp_id", fmt.Sprintf("ABCP ID %q is not six digits", p.abcp))
			continue
		}
		sessions, awarded, prob := desiredAttendance(ev, r.SessionIDs, r.CEUs)
		if prob != nil {
			p.reject(prob.field, prob.detail)
			continue
		}
		p.want = recert.Attendance{EventID: ev.ID, Sessions: sessions, CEUsAwarded: awarded}
	}
	return plans
}

func isABCPID(s string) bool {
	return len(s) == 6 && strings.Trim(s, "0123456789") == ""
}

// memberKey is what matching needs of a member.
type memberKey struct {
	ID     string
	AbcpID *string
	Email  *string
}

// matchMembers finds the member of every row with a few bulk queries, rejects rows whose
// ABCP ID and email name two people, unknown attendees without a name, and attendees already
// on an earlier row.
func matchMembers(tx *gorm.DB, plans []*rosterPlan) error {
	byABCP, byEmail, err := findMembers(tx, plans)
	if err != nil {
		return err
	}
	seen := map[string]int{} // "m:"+member id, "a:"+ABCP ID or "e:"+email -> row index
	for _, p := range plans {
		if p.rejected() {
			continue
		}
		if !resolveMember(p, byABCP, byEmail) {
			continue
		}
		keys := []string{"m:" + p.member}
		if p.member == "" {
			keys = []string{"a:" + p.abcp, "e:" + p.email}
		}
		if dup, field := firstSeen(seen, keys); dup >= 0 {
			if field == "" {
				field = p.via
			}
			p.reject(field, fmt.Sprintf("same attendee as row %d", dup))
			continue
		}
		for _, k := range keys {
			seen[k] = p.row.Index
		}
	}
	return nil
}

// resolveMember sets the plan's member, or marks it for creation; false when rejected.
func resolveMember(p *rosterPlan, byABCP, byEmail map[string]string) bool {
	if p.row.MemberID != "" {
		p.member, p.via = p.row.MemberID, "abcp_id"
		return true
	}
	byID, byMail := "", ""
	if p.abcp != "" {
		byID = byABCP[p.abcp]
	}
	if p.email != "" {
		byMail = byEmail[p.email]
	}
	switch {
	case byID != "" && byMail != "" && byID != byMail:
		p.reject("email", fmt.Sprintf("ABCP ID %s is member %s's but email %s is member %s's", p.abcp, byID, p.email, byMail))
		return false
	case byID != "":
		p.member, p.via = byID, "abcp_id"
	case byMail != "":
		p.member, p.via = byMail, "email"
	case strings.TrimSpace(p.row.Name) == "":
		p.reject("name", "no member has this ABCP ID or email; give a name to create one")
		return false
	case len([]rune(strings.TrimSpace(p.row.Name))) > 200:
		p.reject("name", "a name has at most 200 characters")
		return false
	default:
		p.out.MemberCreated = true
	}
	return true
}

// firstSeen returns the row that already holds one of keys (keys ending in ":" are empty
// values and never match), or -1, with the field of the key that matched ("" for a member id).
func firstSeen(seen map[string]int, keys []string) (int, string) {
	for _, k := range keys {
		if strings.HasSuffix(k, ":") {
			continue
		}
		if i, ok := seen[k]; ok {
			switch k[0] {
			case 'a':
				return i, "abcp_id"
			case 'e':
				return i, "email"
			}
			return i, ""
		}
	}
	return -1, ""
}

// findMembers looks up every ABCP ID and email of the roster in batches. Emails are compared
// lowercased: members.email is stored as given, so LOWER(email) finds "Jane@X.org" for
// "jane@x.org". Should two stored emails differ only in case, the lowest id wins.
func findMembers(tx *gorm.DB, plans []*rosterPlan) (byABCP, byEmail map[string]string, err error) {
	var abcps, emails []string
	for _, p := range plans {
		if p.rejected() {
			continue
		}
		if p.abcp != "" {
			abcps = append(abcps, p.abcp)
		}
		if p.email != "" {
			emails = append(emails, p.email)
		}
	}
	byABCP, byEmail = map[string]string{}, map[string]string{}
	for chunk := range slices.Chunk(uniq(abcps), batchSize) {
		var ms []memberKey
		if err := tx.Table("members").Select("id, abcp_id, email").Where("abcp_id IN ?", chunk).Find(&ms).Error; err != nil {
			return nil, nil, TranslateError(err, "members")
		}
		for _, m := range ms {
			byABCP[deref(m.AbcpID)] = m.ID
		}
	}
	for chunk := range slices.Chunk(uniq(emails), batchSize) {
		var ms []memberKey
		if err := tx.Table("members").Select("id, abcp_id, email").Where("LOWER(email) IN ?", chunk).Order("id").Find(&ms).Error; err != nil {
			return nil, nil, TranslateError(err, "members")
		}
		for _, m := range ms {
			if e := NormalizeEmail(deref(m.Email)); byEmail[e] == "" {
				byEmail[e] = m.ID
			}
		}
	}
	return byABCP, byEmail, nil
}

func uniq(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// compareAttendance loads the existing attendance of the matched members at the event in
// batches and decides each row's outcome.
func compareAttendance(tx *gorm.DB, eventID string, plans []*rosterPlan) error {
	var members []string
	for _, p := range plans {
		if !p.rejected() && p.member != "" {
			members = append(members, p.member)
		}
	}
	have := map[string]*recert.Attendance{}
	for chunk := range slices.Chunk(members, batchSize) {
		as, err := loadAttendance(tx, tx.Where("event_id = ? AND member_id IN ?", eventID, chunk))
		if err != nil {
			return err
		}
		for i := range as {
			have[as[i].MemberID] = &as[i]
		}
	}
	for _, p := range plans {
		if p.rejected() {
			continue
		}
		p.out.MemberID = p.member
		p.have = have[p.member]
		switch {
		case p.have == nil:
			p.out.Status = recert.RowCreated
		case sameCredit(*p.have, p.want):
			p.out.Status, p.out.AttendanceID = recert.RowUnchanged, p.have.ID
		default:
			p.out.Status, p.out.AttendanceID = recert.RowUpdated, p.have.ID
		}
	}
	return nil
}

func rosterOutcomes(plans []*rosterPlan) []recert.RosterOutcome {
	out := make([]recert.RosterOutcome, len(plans))
	for i, p := range plans {
		out[i] = p.out
	}
	return out
}

// rejection is the error of a roster with rejected rows in atomic mode, listing every
// rejected row's field errors; nil when every row is valid.
func rejection(plans []*rosterPlan) error {
	var fields []recert.FieldError
	n := 0
	for _, p := range plans {
		if p.rejected() {
			n++
			fields = append(fields, p.out.Fields...)
		}
	}
	if n == 0 {
		return nil
	}
	return &recert.Error{Code: recert.EINVALID, Message: fmt.Sprintf("%d of %d rows are invalid; nothing was written", n, len(plans)), Fields: fields}
}

// rosterWrites collects a roster's rows to write, so each table gets a few batched statements.
type rosterWrites struct {
	members  []memberRow
	created  []attendanceRow
	updated  []attendanceRow
	sessions []attendanceSessionRow
	history  []historyRow
}

// writeRoster creates the new members, relates every posted attendee to the organization,
// and writes the created and updated attendance with their sessions and history.
func writeRoster(tx *gorm.DB, ev recert.Event, plans []*rosterPlan, actor string, now time.Time) error {
	var w rosterWrites
	for _, p := range plans {
		if p.out.Status != recert.RowCreated && p.out.Status != recert.RowUpdated {
			continue
		}
		if err := w.add(ev, p, actor, now); err != nil {
			return err
		}
	}
	return w.flush(tx)
}

func (w *rosterWrites) add(ev recert.Event, p *rosterPlan, actor string, now time.Time) error {
	if p.out.MemberCreated {
		p.member = recert.NewID(recert.PrefixMember)
		w.members = append(w.members, memberRow{
			ID: p.member, Name: strings.TrimSpace(p.row.Name), Email: nullable(p.email), AbcpID: nullable(p.abcp),
			Status: "active", Version: 1, CreatedAt: now, CreatedBy: actor, UpdatedAt: now, UpdatedBy: actor,
		})
	}
	a := p.want
	a.MemberID, a.UpdatedAt, a.UpdatedBy = p.member, now, actor
	action := "created"
	if p.have == nil {
		a.ID, a.Version, a.CreatedAt, a.CreatedBy = recert.NewID(recert.PrefixAttendance), 1, now, actor
		w.created = append(w.created, toAttendanceRow(a, nil))
	} else {
		// Posting revoked attendance again restores it.
		a.ID, a.Version, a.CreatedAt, a.CreatedBy = p.have.ID, p.have.Version+1, p.have.CreatedAt, p.have.CreatedBy
		w.updated = append(w.updated, toAttendanceRow(a, nil))
		action = "updated"
	}
	w.sessions = append(w.sessions, attendanceSessionRows(a)...)
	h, err := historyEntry(p.have, a, action, "posted by roster", actor, now)
	if err != nil {
		return err
	}
	w.history = append(w.history, h)
	p.out.MemberID, p.out.AttendanceID = p.member, a.ID
	return nil
}

// flush writes in batches, parents first: members, attendance, then sessions. Attendance
// itself relates a member to the event's organization (see relatedMembers).
func (w *rosterWrites) flush(tx *gorm.DB) error {
	if err := insertAll(tx.Omit("Claimed"), w.members, "a member with this email or ABCP ID"); err != nil {
		return err
	}
	if err := insertAll(tx, w.created, "attendance of this member at this event"); err != nil {
		return err
	}
	// An upsert on the id updates many records in one statement on both engines.
	upsert := clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, DoUpdates: clause.AssignmentColumns(
		[]string{"ceus_awarded", "revoked_at", "revoke_reason", "version", "updated_at", "updated_by"})}
	if err := insertAll(tx.Clauses(upsert), w.updated, "attendance"); err != nil {
		return err
	}
	for chunk := range slices.Chunk(w.updated, batchSize) {
		ids := make([]string, len(chunk))
		for i, a := range chunk {
			ids[i] = a.ID
		}
		if err := tx.Where("attendance_id IN ?", ids).Delete(&attendanceSessionRow{}).Error; err != nil {
			return TranslateError(err, "attended sessions")
		}
	}
	if err := insertAll(tx, w.sessions, "credit for this member at this session"); err != nil {
		return err
	}
	return insertAll(tx, w.history, "attendance history")
}
