package ledger

import (
	"context"
	"strings"

	"github.com/recert-dev/recert/internal/recert"
)

// RecordsStore is the storage of what members report and dispute about their own record.
type RecordsStore interface {
	Transactor
	Event(ctx context.Context, id string) (recert.Event, error)
	CreateActivity(ctx context.Context, a recert.Activity, actor string) (recert.Activity, error)
	Activity(ctx context.Context, id string) (recert.Activity, error)
	UpdateActivity(ctx context.Context, id, action, reason, actor string, change func(*recert.Activity) error) (recert.Activity, error)
	AddEvidence(ctx context.Context, e recert.Evidence, actor string) (recert.Evidence, error)
	CreateClinicalEntry(ctx context.Context, e recert.ClinicalEntry, actor string) (recert.ClinicalEntry, error)
	CreateDispute(ctx context.Context, d recert.Dispute, actor string) (recert.Dispute, error)
	ResolveDispute(ctx context.Context, id, status, reason, attendanceID, actor string) (recert.Dispute, error)
	AttendanceOf(ctx context.Context, eventID, memberID string) (recert.Attendance, bool, error)
	CorrectAttendance(ctx context.Context, id string, sessionIDs []string, ceus *recert.Units, reason, source, actor string) (recert.Attendance, error)
}

// Records are the use cases of a member's own record: the activities and clinical cases they
// report, the documents they attach, the disputes they file, and the decisions on them. The
// API and the pages both call them; access (whose record, whose event) is checked by the caller.
type Records struct {
	store   RecordsStore
	reports ReportStore // nil: withdrawals and leave are not written
	rosters *Rosters
	outbox  Outbox
}

// NewRecords returns the record use cases; an accepted dispute posts through rosters, and
// every decision is told through outbox (nil: nobody is told).
func NewRecords(st RecordsStore, rosters *Rosters, outbox Outbox) *Records {
	if outbox == nil {
		outbox = Discard{}
	}
	return &Records{store: st, rosters: rosters, outbox: outbox}
}

// notifying runs write and hands the notices it returns to the outbox in one transaction:
// they are sent only if the write commits.
func (r *Records) notifying(ctx context.Context, write func(ctx context.Context) ([]Notice, error)) error {
	return r.store.InTx(ctx, func(ctx context.Context) error {
		ns, err := write(ctx)
		if err != nil {
			return err
		}
		return r.outbox.Notify(ctx, ns...)
	})
}

// FieldError is a problem with one field of the input, at a JSON pointer ("#/ceus"); its
// message names the field.
func FieldError(pointer, detail string) error {
	msg := detail
	if field := strings.TrimPrefix(pointer, "#/"); field != pointer {
		msg = field + ": " + detail
	}
	return &recert.Error{Code: recert.EINVALID, Message: msg,
		Fields: []recert.FieldError{{Location: "body", Pointer: pointer, Detail: detail}}}
}

// DisputeNotice tells of a dispute: its filing to the organizers, its decision to the member.
func DisputeNotice(kind string, d recert.Dispute) []Notice {
	return []Notice{{Type: kind, MemberID: d.MemberID, EventID: d.EventID, DisputeID: d.ID, Reason: d.ResolutionReason}}
}
