package store

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

type attendanceRow struct {
	ID           string `gorm:"primaryKey"`
	EventID      string
	MemberID     string
	Sessions     string       // JSON: [{"session_id", "ceus"}], in the event's order
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
		ID: a.ID, EventID: a.EventID, MemberID: a.MemberID, Sessions: encodeSessions(a.Sessions), CEUsAwarded: a.CEUsAwarded,
		RevokedAt: revokedAt, RevokeReason: nullable(a.RevokeReason), Version: a.Version,
		CreatedAt: a.CreatedAt, CreatedBy: a.CreatedBy, UpdatedAt: a.UpdatedAt, UpdatedBy: a.UpdatedBy,
	}
}

func (r attendanceRow) attendance() (recert.Attendance, error) {
	a := recert.Attendance{
		ID: r.ID, EventID: r.EventID, MemberID: r.MemberID, CEUsAwarded: r.CEUsAwarded,
		Revoked: r.RevokedAt != nil, RevokeReason: deref(r.RevokeReason), Version: r.Version,
		Audit: recert.Audit{CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, UpdatedAt: r.UpdatedAt.UTC(), UpdatedBy: r.UpdatedBy},
	}
	var ss []storedSession
	if err := json.Unmarshal([]byte(r.Sessions), &ss); err != nil {
		return a, recert.Wrap(err, recert.EINTERNAL, "cannot read the attended sessions")
	}
	a.Sessions = make([]recert.SessionCredit, len(ss))
	for i, x := range ss {
		a.Sessions[i] = recert.SessionCredit{SessionID: x.SessionID, CEUs: recert.Units(x.CEUs)}
	}
	return a, nil
}

// storedSession is an attended session as attendance.sessions keeps it: CEUs in hundredths.
type storedSession struct {
	SessionID string `json:"session_id"`
	CEUs      int64  `json:"ceus"`
}

// encodeSessions is the JSON of attended sessions (storedSession), written by hand as
// encodeState is.
func encodeSessions(ss []recert.SessionCredit) string {
	var b strings.Builder
	b.Grow(2 + len(ss)*64)
	writeSessions(&b, ss, func(b *strings.Builder, u recert.Units) { writeInt(b, int64(u)) })
	return b.String()
}

// writeSessions writes attended sessions as a JSON array, their CEUs written by ceus.
func writeSessions(b *strings.Builder, ss []recert.SessionCredit, ceus func(*strings.Builder, recert.Units)) {
	b.WriteByte('[')
	for i, x := range ss {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"session_id":`)
		writeJSONString(b, x.SessionID)
		b.WriteString(`,"ceus":`)
		ceus(b, x.CEUs)
		b.WriteByte('}')
	}
	b.WriteByte(']')
}

// writeJSONString writes s as a JSON string: as is when it needs no escaping (ids, names,
// most reasons), else as encoding/json writes it.
func writeJSONString(b *strings.Builder, s string) {
	for _, c := range []byte(s) {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			b.Write(q)
			return
		}
	}
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
}

func writeInt(b *strings.Builder, n int64) {
	var buf [20]byte
	b.Write(strconv.AppendInt(buf[:0], n, 10))
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
func (s *Store) MemberAttendance(ctx context.Context, memberID string, scope recert.Scope, p recert.Page) ([]recert.Attendance, string, error) {
	db := s.conn(ctx)
	q := db.Where("member_id = ?", memberID)
	switch {
	case scope.None():
		q = q.Where("1 = 0")
	case !scope.All():
		q = q.Where("event_id IN (SELECT id FROM events WHERE organization_id IN ?)", scope.IDs())
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

// loadAttendance runs q and puts each record's sessions in the event's current order, with
// one more query per batchSize sessions attended (few: a roster's records share theirs).
func loadAttendance(db, q *gorm.DB) ([]recert.Attendance, error) {
	var rows []attendanceRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "attendance")
	}
	out := make([]recert.Attendance, len(rows))
	position := map[string]int{}
	for i, r := range rows {
		a, err := r.attendance()
		if err != nil {
			return nil, err
		}
		out[i] = a
		for _, x := range a.Sessions {
			position[x.SessionID] = 0
		}
	}
	if err := sessionPositions(db, position); err != nil {
		return nil, err
	}
	for _, a := range out {
		slices.SortStableFunc(a.Sessions, func(x, y recert.SessionCredit) int { return position[x.SessionID] - position[y.SessionID] })
	}
	return out, nil
}

// sessionPositions fills in the position of each session in the map's keys.
func sessionPositions(db *gorm.DB, position map[string]int) error {
	ids := slices.Collect(maps.Keys(position))
	for chunk := range slices.Chunk(ids, batchSize) {
		var ss []struct {
			ID       string
			Position int
		}
		if err := db.Table("sessions").Select("id, position").Where("id IN ?", chunk).Find(&ss).Error; err != nil {
			return TranslateError(err, "attended sessions")
		}
		for _, x := range ss {
			position[x.ID] = x.Position
		}
	}
	return nil
}

// CorrectAttendance changes the sessions or CEUs of an attendance record, with the same
// checks as a roster row, and records why. A correction that changes nothing writes nothing.
func (s *Store) CorrectAttendance(ctx context.Context, id string, sessionIDs []string, ceus *recert.Units, reason, source, actor string) (recert.Attendance, error) {
	reason = strings.TrimSpace(reason)
	if err := recert.ReasonProblem(reason); err != nil {
		return recert.Attendance{}, err
	}
	var out recert.Attendance
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		a, ev, err := s.lockAttendance(tx, id)
		if err != nil {
			return err
		}
		next := a
		if changed, err := next.Correct(ev, sessionIDs, ceus); err != nil || !changed {
			out = a
			return err
		}
		out, err = s.changeAttendance(tx, a, next, "updated", reason, source, actor)
		return err
	})
	return out, err
}

// RevokeAttendance withdraws an attendance record and its credits, keeping it on file.
func (s *Store) RevokeAttendance(ctx context.Context, id, reason, actor string) (recert.Attendance, error) {
	reason = strings.TrimSpace(reason)
	if err := recert.ReasonProblem(reason); err != nil {
		return recert.Attendance{}, err
	}
	var out recert.Attendance
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		a, _, err := s.lockAttendance(tx, id)
		if err != nil {
			return err
		}
		next := a
		if err := next.Revoke(reason); err != nil {
			return err
		}
		out, err = s.changeAttendance(tx, a, next, "revoked", reason, recert.SourceRevocation, actor)
		return err
	})
	return out, err
}

// lockAttendance locks the attendance's event row, as a roster does, so that a correction
// and a roster for the same event never interleave, then reads the attendance and event.
func (s *Store) lockAttendance(tx *gorm.DB, id string) (recert.Attendance, recert.Event, error) {
	found, err := s.lockEventRow(tx, "id = (SELECT event_id FROM attendance WHERE id = ?)", id)
	if err != nil {
		return recert.Attendance{}, recert.Event{}, err
	}
	if !found {
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
// history entry.
func (s *Store) changeAttendance(tx *gorm.DB, a, next recert.Attendance, action, reason, source, actor string) (recert.Attendance, error) {
	now := s.now()
	next.Version, next.UpdatedAt, next.UpdatedBy = a.Version+1, now, actor
	var revokedAt *time.Time
	if next.Revoked {
		revokedAt = &now
	}
	res := tx.Model(&attendanceRow{}).Where("id = ? AND version = ?", a.ID, a.Version).Updates(map[string]any{
		"sessions": encodeSessions(next.Sessions), "ceus_awarded": next.CEUsAwarded, "revoked_at": revokedAt, "revoke_reason": nullable(next.RevokeReason),
		"version": next.Version, "updated_at": now, "updated_by": actor,
	})
	if res.Error != nil {
		return recert.Attendance{}, TranslateError(res.Error, "attendance")
	}
	if res.RowsAffected == 0 {
		return recert.Attendance{}, recert.Errorf(recert.ECONFLICT, "attendance %s was changed meanwhile; try again", a.ID)
	}
	if !slices.Equal(a.Sessions, next.Sessions) {
		if err := s.classesUpdate(tx, "id = ?", a.ID); err != nil {
			return recert.Attendance{}, err
		}
	}
	h := historyEntry(&a, next, action, reason, actor, now)
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

// encodeState writes the JSON of attendanceState by hand, field by field as encoding/json
// would: a roster records thousands, and reflection made most of its allocations.
func encodeState(a recert.Attendance) string {
	var b strings.Builder
	b.Grow(384 + 64*len(a.Sessions))
	field := func(name string, value string) {
		b.WriteString(name)
		writeJSONString(&b, value)
	}
	field(`{"id":`, a.ID)
	field(`,"event_id":`, a.EventID)
	field(`,"member_id":`, a.MemberID)
	b.WriteString(`,"sessions":`)
	writeSessions(&b, a.Sessions, writeUnits)
	b.WriteString(`,"ceus_awarded":`)
	writeUnits(&b, a.CEUsAwarded)
	b.WriteString(`,"revoked":` + strconv.FormatBool(a.Revoked))
	if a.RevokeReason != "" {
		field(`,"revoke_reason":`, a.RevokeReason)
	}
	b.WriteString(`,"version":`)
	writeInt(&b, int64(a.Version))
	b.WriteString(`,"created_at":`)
	writeTime(&b, a.CreatedAt)
	field(`,"created_by":`, a.CreatedBy)
	b.WriteString(`,"updated_at":`)
	writeTime(&b, a.UpdatedAt)
	field(`,"updated_by":`, a.UpdatedBy)
	b.WriteByte('}')
	return b.String()
}

func writeUnits(b *strings.Builder, u recert.Units) {
	b.WriteByte('"')
	b.WriteString(u.String())
	b.WriteByte('"')
}

func writeTime(b *strings.Builder, t time.Time) {
	var buf [64]byte
	b.WriteByte('"')
	b.Write(t.AppendFormat(buf[:0], time.RFC3339Nano))
	b.WriteByte('"')
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
func historyEntry(before *recert.Attendance, after recert.Attendance, action, reason, actor string, at time.Time) historyRow {
	h := historyRow{ID: recert.NewID(recert.PrefixChange), AttendanceID: &after.ID, At: at, Actor: actor, Action: action,
		Reason: nullable(reason), AfterState: encodeState(after)}
	if before != nil {
		b := encodeState(*before)
		h.BeforeState = &b
	}
	return h
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
