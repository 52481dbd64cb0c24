package ledger

import (
	"context"

	"github.com/recert-dev/recert/internal/recert"
)

// AttendanceStore is the storage corrections and revocations need.
type AttendanceStore interface {
	Transactor
	CorrectAttendance(ctx context.Context, id string, sessionIDs []string, ceus *recert.Units, reason, source, actor string) (recert.Attendance, error)
	RevokeAttendance(ctx context.Context, id, reason, actor string) (recert.Attendance, error)
}

// Attendances corrects and revokes attendance and tells the member. Callers check the
// caller manages the attendance's event.
type Attendances struct {
	store  AttendanceStore
	outbox Outbox
}

// NewAttendances returns the use case over store, telling members through outbox.
func NewAttendances(store AttendanceStore, outbox Outbox) *Attendances {
	if outbox == nil {
		outbox = Discard{}
	}
	return &Attendances{store: store, outbox: outbox}
}

// Correction sets either the sessions attended (by id or code) or the CEUs awarded.
type Correction struct {
	Sessions []string // nil: not these
	CEUs     *string  // nil: not these; a decimal with at most two places
	Reason   string
}

// Correct applies a correction, with its reason, and tells the member.
func (x *Attendances) Correct(ctx context.Context, id string, c Correction, actor string) (recert.Attendance, error) {
	if (c.Sessions == nil) == (c.CEUs == nil) {
		return recert.Attendance{}, FieldError("#/sessions", "give either the sessions attended or the CEUs awarded")
	}
	var ceus *recert.Units
	if c.CEUs != nil {
		u, err := recert.ParseUnits(*c.CEUs)
		if err != nil {
			return recert.Attendance{}, FieldError("#/ceus", err.Error())
		}
		ceus = &u
	}
	if err := checkReason(c.Reason); err != nil {
		return recert.Attendance{}, err
	}
	var a recert.Attendance
	err := x.notifying(ctx, func(ctx context.Context) (err error) {
		a, err = x.store.CorrectAttendance(ctx, id, c.Sessions, ceus, c.Reason, recert.SourceCorrection, actor)
		return err
	}, func() []Notice { return []Notice{CorrectedNotice(a, c.Reason)} })
	return a, err
}

// Revoke stops an attendance counting, with the reason, and tells the member; its record and
// history stay.
func (x *Attendances) Revoke(ctx context.Context, id, reason, actor string) (recert.Attendance, error) {
	if err := checkReason(reason); err != nil {
		return recert.Attendance{}, err
	}
	var a recert.Attendance
	err := x.notifying(ctx, func(ctx context.Context) (err error) {
		a, err = x.store.RevokeAttendance(ctx, id, reason, actor)
		return err
	}, func() []Notice { return attendanceNotice(NoticeAttendanceRevoked, a, reason) })
	return a, err
}

// notifying runs write and hands its notices to the outbox in one transaction: they are sent
// only if the write commits.
func (x *Attendances) notifying(ctx context.Context, write func(ctx context.Context) error, notices func() []Notice) error {
	return x.store.InTx(ctx, func(ctx context.Context) error {
		if err := write(ctx); err != nil {
			return err
		}
		return x.outbox.Notify(ctx, notices()...)
	})
}

// checkReason: a change to credit says why, briefly.
func checkReason(reason string) error { return recert.ReasonProblem(reason) }

// attendanceNotice tells the member of a change to their attendance.
func attendanceNotice(kind string, a recert.Attendance, reason string) []Notice {
	return []Notice{{Type: kind, MemberID: a.MemberID, EventID: a.EventID, AttendanceID: a.ID, Reason: reason}}
}
