package store

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

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
	PostingID    *string
	Source       *string
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
	db := s.conn(ctx)
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
	db := s.conn(ctx)
	return attendancePage(db, db.Where("event_id = ?", eventID), p)
}

// MemberAttendance lists a member's attendance by id, a page at a time; orgIDs, when not
// nil, keeps only the attendance at those organizations' events.
func (s *Store) MemberAttendance(ctx context.Context, memberID string, orgIDs []string, p recert.Page) ([]recert.Attendance, string, error) {
	db := s.conn(ctx)
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

// CorrectAttendance changes the sessions or CEUs of an attendance record, with the same
// checks as a roster row, and records why. A correction that changes nothing writes nothing.
func (s *Store) CorrectAttendance(ctx context.Context, id string, sessionIDs []string, ceus *recert.Units, reason, source, actor string) (recert.Attendance, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return recert.Attendance{}, reasonRequired()
	}
	var out recert.Attendance
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		a, ev, err := s.lockAttendance(tx, id)
		if err != nil {
			return err
		}
		if a.Revoked {
			return recert.Errorf(recert.ECONFLICT, "attendance %s is revoked; post it on a roster again to restore it", id)
		}
		sessions, awarded, field, detail := ev.Credit(sessionIDs, ceus)
		if detail != "" {
			fe := recert.FieldError{Location: "body", Pointer: "#/" + field, Detail: detail}
			return &recert.Error{Code: recert.EINVALID, Message: detail, Fields: []recert.FieldError{fe}}
		}
		next := a
		next.Sessions, next.CEUsAwarded = sessions, awarded
		if recert.SameCredit(a, next) {
			out = a
			return nil
		}
		out, err = s.changeAttendance(tx, a, next, "updated", reason, source, actor, true)
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
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		a, _, err := s.lockAttendance(tx, id)
		if err != nil {
			return err
		}
		if a.Revoked {
			return recert.Errorf(recert.ECONFLICT, "attendance %s is already revoked", id)
		}
		next := a
		next.Revoked, next.RevokeReason = true, reason
		out, err = s.changeAttendance(tx, a, next, "revoked", reason, recert.SourceRevocation, actor, false)
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
func (s *Store) changeAttendance(tx *gorm.DB, a, next recert.Attendance, action, reason, source, actor string, sessions bool) (recert.Attendance, error) {
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
	h.Source = &source
	return next, TranslateError(tx.Create(&h).Error, "attendance history")
}

// AttendanceHistory returns every change of an attendance record, oldest first.
func (s *Store) AttendanceHistory(ctx context.Context, id string) ([]recert.AttendanceChange, error) {
	var rows []historyRow
	if err := s.conn(ctx).Where("attendance_id = ?", id).Order("at").Find(&rows).Error; err != nil {
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
	c := recert.AttendanceChange{ID: r.ID, AttendanceID: deref(r.AttendanceID), At: r.At.UTC(), Actor: r.Actor, Action: r.Action,
		Source: deref(r.Source), PostingID: deref(r.PostingID), Reason: deref(r.Reason)}
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
