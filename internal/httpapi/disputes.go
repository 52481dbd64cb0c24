package httpapi

import (
	"context"
	"strings"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// CreateDispute files a member's dispute about their attendance at an event.
func (s *Server) CreateDispute(ctx context.Context, req api.CreateDisputeRequestObject) (api.CreateDisputeResponseObject, error) {
	p := principalFrom(ctx)
	if p.MemberID == "" {
		return nil, forbidden("only a member disputes their own attendance")
	}
	e, err := s.store.Event(ctx, req.EventID)
	if err != nil || e.Status == recert.EventDraft {
		return nil, orElse(err, notFound("event", req.EventID))
	}
	b := req.Body
	d := recert.Dispute{EventID: e.ID, MemberID: p.MemberID, Kind: string(b.Kind), SessionIDs: b.Sessions, Message: strings.TrimSpace(b.Message)}
	if b.Ceus != nil {
		u, err := recert.ParseUnits(*b.Ceus)
		if err != nil || u <= 0 || u > e.CEUs() {
			return nil, fieldError("#/ceus", "must be more than zero and at most the "+e.CEUs().String()+" the event offers")
		}
		d.CEUs = &u
	}
	if err := checkSessions(e, b.Sessions); err != nil {
		return nil, err
	}
	current, found, err := s.store.AttendanceOf(ctx, e.ID, p.MemberID)
	if err != nil {
		return nil, err
	}
	switch {
	case d.Kind == "wrong" && (!found || current.Revoked):
		return nil, recert.Errorf(recert.ECONFLICT, "you have no attendance at this event to correct: dispute it as missing")
	case d.Kind == "wrong" && d.SessionIDs == nil && d.CEUs == nil:
		return nil, fieldError("#/sessions", "say which sessions you attended, or the CEUs you were awarded")
	case d.Kind == "missing" && found && !current.Revoked:
		return nil, recert.Errorf(recert.ECONFLICT, "your attendance at this event is posted: dispute it as wrong")
	case found:
		d.AttendanceID = current.ID
	}
	var created recert.Dispute
	err = s.notifying(ctx, func(ctx context.Context) (_ []ledger.Notice, err error) {
		created, err = s.store.CreateDispute(ctx, d, p.Subject)
		return disputeNotice(ledger.NoticeDisputeFiled, created), err
	})
	if err != nil {
		return nil, err
	}
	return api.CreateDispute201JSONResponse(toDispute(created)), nil
}

func checkSessions(e recert.Event, ids []string) error {
	for i, id := range ids {
		if !hasSession(e, id) {
			return fieldError(pointerf("#/sessions/%d", i), "not a session of this event")
		}
	}
	return nil
}

func hasSession(e recert.Event, id string) bool {
	for _, s := range e.Sessions {
		if s.ID == id {
			return true
		}
	}
	return false
}

// ListEventDisputes lists an event's disputes for its organization.
func (s *Server) ListEventDisputes(ctx context.Context, req api.ListEventDisputesRequestObject) (api.ListEventDisputesResponseObject, error) {
	if _, err := s.managedEvent(ctx, req.EventID); err != nil {
		return nil, err
	}
	ds, err := s.store.EventDisputes(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	out := api.DisputeList{Items: make([]api.Dispute, len(ds))}
	for i, d := range ds {
		out.Items[i] = toDispute(d)
	}
	return api.ListEventDisputes200JSONResponse(out), nil
}

// GetDispute returns a dispute to its member, the event's organization or an administrator.
func (s *Server) GetDispute(ctx context.Context, req api.GetDisputeRequestObject) (api.GetDisputeResponseObject, error) {
	d, err := s.store.Dispute(ctx, req.DisputeID)
	if err != nil {
		return nil, err
	}
	if p := principalFrom(ctx); p.MemberID == "" || p.MemberID != d.MemberID {
		if _, err := s.managedEvent(ctx, d.EventID); err != nil {
			return nil, notFound("dispute", req.DisputeID)
		}
	}
	return api.GetDispute200JSONResponse(toDispute(d)), nil
}

// ResolveDispute accepts a dispute, posting or correcting the attendance as asked, or
// rejects it with a reason.
func (s *Server) ResolveDispute(ctx context.Context, req api.ResolveDisputeRequestObject) (api.ResolveDisputeResponseObject, error) {
	d, err := s.store.Dispute(ctx, req.DisputeID)
	if err != nil {
		return nil, err
	}
	if _, err := s.managedEvent(ctx, d.EventID); err != nil {
		return nil, notFound("dispute", req.DisputeID)
	}
	if d.Status != "open" {
		return nil, recert.Errorf(recert.ECONFLICT, "dispute %s is already %s", d.ID, d.Status)
	}
	reason := strings.TrimSpace(value(req.Body.Reason))
	actor := principalFrom(ctx).Subject
	if req.Body.Decision != "accepted" && reason == "" {
		return nil, fieldError("#/reason", "a rejection needs a reason")
	}
	var resolved recert.Dispute
	// The attendance it posts, the decision and its notice commit together.
	err = s.notifying(ctx, func(ctx context.Context) (_ []ledger.Notice, err error) {
		status, attendanceID := "rejected", d.AttendanceID
		if req.Body.Decision == "accepted" {
			status = "accepted"
			if attendanceID, err = s.applyDispute(ctx, d, actor); err != nil {
				return nil, err
			}
		}
		resolved, err = s.store.ResolveDispute(ctx, d.ID, status, reason, attendanceID, actor)
		return disputeNotice(ledger.NoticeDisputeDecided, resolved), err
	})
	if err != nil {
		return nil, err
	}
	return api.ResolveDispute200JSONResponse(toDispute(resolved)), nil
}

// applyDispute posts the missing attendance, or corrects the wrong one, as the member asked:
// a decision that later rosters keep.
func (s *Server) applyDispute(ctx context.Context, d recert.Dispute, actor string) (string, error) {
	if d.Kind == "wrong" {
		a, err := s.store.CorrectAttendance(ctx, d.AttendanceID, d.SessionIDs, d.CEUs, "dispute "+d.ID+" accepted", recert.SourceDispute, actor)
		return a.ID, err
	}
	res, err := s.rosters.Post(ctx, ledger.RosterInput{EventID: d.EventID, Actor: actor, Dispute: d.ID, Viewer: ledger.Viewer{All: true},
		Rows: []recert.RosterRow{{MemberID: d.MemberID, Sessions: d.SessionIDs, CEUs: d.CEUs}}})
	if err != nil {
		return "", err
	}
	if r := res.Rows[0]; r.Status == ledger.RowRejected {
		return "", recert.Errorf(recert.ECONFLICT, "the attendance cannot be posted: %s", r.Reason)
	}
	return res.Rows[0].AttendanceID, nil
}

func toDispute(d recert.Dispute) api.Dispute {
	out := api.Dispute{ID: d.ID, EventID: d.EventID, MemberID: d.MemberID, AttendanceID: optional(d.AttendanceID),
		Kind: api.DisputeKind(d.Kind), Sessions: d.SessionIDs, Message: d.Message, Status: api.DisputeStatus(d.Status),
		ResolutionReason: optional(d.ResolutionReason), ResolvedBy: optional(d.ResolvedBy), CreatedAt: d.CreatedAt, CreatedBy: d.CreatedBy}
	if d.CEUs != nil {
		out.Ceus = ptr(d.CEUs.String())
	}
	if !d.ResolvedAt.IsZero() {
		out.ResolvedAt = ptr(d.ResolvedAt)
	}
	return out
}
