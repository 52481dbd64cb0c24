package ledger

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/recert-dev/recert/internal/recert"
)

// DisputeInput is what a member says about their attendance at an event.
type DisputeInput struct {
	EventID, MemberID string
	Kind              string   // missing or wrong
	SessionIDs        []string // the sessions they attended; nil: not said
	CEUs              *string  // the CEUs they were awarded, for a certificate without sessions
	Message           string
}

// Dispute kinds and statuses.
const (
	DisputeMissing  = "missing"
	DisputeWrong    = "wrong"
	DisputeOpen     = "open"
	DisputeAccepted = "accepted"
	DisputeRejected = "rejected"
)

// FileDispute files a member's dispute about their attendance at a published event and tells
// the event's organizers. A missing attendance may not be disputed as wrong, nor a posted one
// as missing.
func (r *Records) FileDispute(ctx context.Context, in DisputeInput, actor string) (recert.Dispute, error) {
	e, err := r.store.Event(ctx, in.EventID)
	if err != nil || e.Status == recert.EventDraft {
		return recert.Dispute{}, orElse(err, recert.Errorf(recert.ENOTFOUND, "event %s not found", in.EventID))
	}
	current, found, err := r.store.AttendanceOf(ctx, e.ID, in.MemberID)
	if err != nil {
		return recert.Dispute{}, err
	}
	posted := found && !current.Revoked
	// Every problem of the member's fields at once; then whether the kind fits the record.
	var p Problems
	if in.Kind != DisputeMissing && in.Kind != DisputeWrong {
		p.Add("#/kind", "say whether the attendance is missing or wrong")
	}
	switch {
	case strings.TrimSpace(in.Message) == "":
		p.Add("#/message", "say what happened")
	case utf8.RuneCountInString(in.Message) > 2000:
		p.Add("#/message", "at most 2,000 characters")
	}
	d := recert.Dispute{EventID: e.ID, MemberID: in.MemberID, Kind: in.Kind, Message: strings.TrimSpace(in.Message)}
	if err := disputedCredit(e, in, &d); !p.Merge(err) {
		return recert.Dispute{}, err
	}
	if in.Kind == DisputeWrong && posted && len(in.SessionIDs) == 0 && in.CEUs == nil {
		p.Add("#/sessions", "say which sessions you attended, or the CEUs you were awarded")
	}
	if err := p.Err(); err != nil {
		return recert.Dispute{}, err
	}
	switch {
	case d.Kind == DisputeWrong && !posted:
		return recert.Dispute{}, recert.Errorf(recert.ECONFLICT, "you have no attendance at this event to correct: dispute it as missing")
	case d.Kind == DisputeMissing && posted:
		return recert.Dispute{}, recert.Errorf(recert.ECONFLICT, "your attendance at this event is posted: dispute it as wrong")
	case found:
		d.AttendanceID = current.ID
	}
	var created recert.Dispute
	err = r.notifying(ctx, func(ctx context.Context) (_ []Notice, err error) {
		created, err = r.store.CreateDispute(ctx, d, actor)
		return DisputeNotice(NoticeDisputeFiled, created), err
	})
	return created, err
}

// disputedCredit checks what the member asks for by the rule that accepting the dispute
// applies (recert.Event.Credit), so every dispute filed can be accepted, and keeps it as
// session ids: a member names sessions by id, code or title, as a roster does. Naming
// neither sessions nor CEUs (for missing attendance) asks for every session, which the
// dispute then lists.
func disputedCredit(e recert.Event, in DisputeInput, d *recert.Dispute) error {
	if in.CEUs != nil && len(in.SessionIDs) > 0 {
		return FieldError("#/ceus", "give either the sessions you attended or the CEUs you were awarded, not both")
	}
	for i, ref := range in.SessionIDs {
		if _, ok := e.SessionByRef(ref); !ok {
			return FieldError(fmt.Sprintf("#/sessions/%d", i),
				fmt.Sprintf("%s is not a session of this event; its sessions are %s", recert.Quote(ref), e.SessionCodes()))
		}
	}
	var ceus *recert.Units
	if in.CEUs != nil {
		u, err := recert.ParseUnits(*in.CEUs)
		if err != nil {
			return FieldError("#/ceus", "must be more than zero and at most the "+e.CEUs().String()+" the event offers")
		}
		ceus = &u
	}
	sessions, awarded, field, detail := e.Credit(in.SessionIDs, ceus)
	if field != "" {
		return FieldError("#/"+field, detail)
	}
	if ceus != nil {
		d.CEUs = &awarded
		return nil
	}
	d.SessionIDs = make([]string, len(sessions))
	for i, s := range sessions {
		d.SessionIDs[i] = s.SessionID
	}
	return nil
}

// DecideDispute accepts an open dispute, posting or correcting the attendance as the member
// asked (a decision later rosters keep), or rejects it with a reason; the member is told.
func (r *Records) DecideDispute(ctx context.Context, d recert.Dispute, decision, reason, actor string) (recert.Dispute, error) {
	if d.Status != DisputeOpen {
		return recert.Dispute{}, recert.Errorf(recert.ECONFLICT, "dispute %s is already %s", d.ID, d.Status)
	}
	reason = strings.TrimSpace(reason)
	switch {
	case decision != DisputeAccepted && decision != DisputeRejected:
		return recert.Dispute{}, FieldError("#/decision", "accept or reject the dispute")
	case decision == DisputeRejected && reason == "":
		return recert.Dispute{}, FieldError("#/reason", "a rejection needs a reason")
	case utf8.RuneCountInString(reason) > 500:
		return recert.Dispute{}, FieldError("#/reason", "at most 500 characters")
	}
	var resolved recert.Dispute
	// The attendance it posts, the decision and its notices commit together: the decision to
	// the member (with what the attendance earns once accepted) and, once accepted, the
	// corrected attendance to apps (the member's mail is the decision's).
	err := r.notifying(ctx, func(ctx context.Context) (_ []Notice, err error) {
		var a recert.Attendance
		attendanceID := d.AttendanceID
		if decision == DisputeAccepted {
			if a, err = r.applyDispute(ctx, d, actor); err != nil {
				return nil, err
			}
			attendanceID = a.ID
		}
		if resolved, err = r.store.ResolveDispute(ctx, d.ID, decision, reason, attendanceID, actor); err != nil {
			return nil, err
		}
		decided := DisputeNotice(NoticeDisputeDecided, resolved)
		decided[0].Decision = decision
		if decision != DisputeAccepted {
			return decided, nil
		}
		decided[0].AttendanceID = a.ID
		decided[0].SessionIDs, decided[0].CEUs = earned(a)
		corrected := CorrectedNotice(a, "dispute accepted")
		if reason != "" {
			corrected.Reason = "dispute accepted: " + reason
		}
		corrected.DisputeID = d.ID
		return append(decided, corrected), nil
	})
	return resolved, err
}

// applyDispute posts the missing attendance, or corrects the wrong one, as the member asked,
// and returns it.
func (r *Records) applyDispute(ctx context.Context, d recert.Dispute, actor string) (recert.Attendance, error) {
	if d.Kind == DisputeWrong {
		return r.store.CorrectAttendance(ctx, d.AttendanceID, d.SessionIDs, d.CEUs, "dispute "+d.ID+" accepted", recert.SourceDispute, actor)
	}
	res, err := r.rosters.Post(ctx, RosterInput{EventID: d.EventID, Actor: actor, Dispute: d.ID, Viewer: recert.AllOrganizations(),
		Rows: []recert.RosterRow{{MemberID: d.MemberID, Sessions: d.SessionIDs, CEUs: d.CEUs}}})
	if err != nil {
		return recert.Attendance{}, err
	}
	if row := res.Rows[0]; row.Status == RowRejected {
		return recert.Attendance{}, recert.Errorf(recert.ECONFLICT, "the attendance cannot be posted: %s", row.Reason)
	}
	a, found, err := r.store.AttendanceOf(ctx, d.EventID, d.MemberID)
	if err == nil && !found {
		err = recert.Errorf(recert.ECONFLICT, "the attendance cannot be posted")
	}
	return a, err
}

func orElse(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}
