package httpapi

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// RecordCheckIns records a scanner's batch, each item answered on its own.
func (s *Server) RecordCheckIns(ctx context.Context, req api.RecordCheckInsRequestObject) (api.RecordCheckInsResponseObject, error) {
	ev, err := s.managedEvent(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	scans := make([]ledger.Scan, len(req.Body.Items))
	for i, it := range req.Body.Items {
		scans[i] = ledger.Scan{ClientID: it.ClientID, Token: strings.TrimSpace(value(it.Token)), MemberID: value(it.MemberID),
			Session: it.Session, Direction: string(it.Direction), DeviceTime: it.DeviceTime, Scanner: value(it.Scanner)}
	}
	results, err := s.checkIns.Record(ctx, ev.ID, scans, value(req.Body.Offline), principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	out := api.CheckInBatchResult{Items: make([]api.CheckInScanResult, len(results))}
	for i, r := range results {
		item := api.CheckInScanResult{ClientID: r.ClientID, Status: api.CheckInScanResultStatus(r.Status), Detail: optional(r.Detail)}
		if r.Reason != "" {
			item.Reason = ptr(api.CheckInScanResultReason(r.Reason))
		}
		if r.CheckIn != nil {
			item.CheckIn = ptr(toCheckIn(ev, *r.CheckIn))
			if r.CheckIn.ClockFlag && r.Status == ledger.ScanRecorded {
				out.Totals.ClockFlagged++
			}
		}
		switch r.Status {
		case ledger.ScanRecorded:
			out.Totals.Recorded++
		case ledger.ScanDuplicate:
			out.Totals.Duplicate++
		default:
			out.Totals.Rejected++
		}
		out.Items[i] = item
	}
	return api.RecordCheckIns200JSONResponse(out), nil
}

// ListCheckIns pages through an event's check-ins, voided included.
func (s *Server) ListCheckIns(ctx context.Context, req api.ListCheckInsRequestObject) (api.ListCheckInsResponseObject, error) {
	ev, err := s.managedEvent(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	sessionID := ""
	if ref := value(req.Params.Session); ref != "" {
		ses, ok := ev.SessionByRef(ref)
		if !ok {
			return nil, &recert.Error{Code: recert.EINVALID, Message: fmt.Sprintf("%s is not a session of this event; its sessions are %s", recert.Quote(ref), ev.SessionCodes()),
				Fields: []recert.FieldError{{Location: "query", Pointer: "session", Detail: "not a session of this event"}}}
		}
		sessionID = ses.ID
	}
	all, err := s.store.CheckInsOf(ctx, ev.ID, sessionID, value(req.Params.MemberID))
	if err != nil {
		return nil, err
	}
	items, next, err := pageOf(all, func(c recert.CheckIn) string { return c.ID }, pg)
	if err != nil {
		return nil, err
	}
	out := api.CheckInPage{Items: make([]api.CheckIn, len(items)), NextCursor: next}
	for i, c := range items {
		out.Items[i] = toCheckIn(ev, c)
	}
	return api.ListCheckIns200JSONResponse(out), nil
}

// VoidCheckIn voids a mistaken check-in, with the reason; it is kept.
func (s *Server) VoidCheckIn(ctx context.Context, req api.VoidCheckInRequestObject) (api.VoidCheckInResponseObject, error) {
	ev, err := s.managedEvent(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	c, err := s.checkIns.Void(ctx, ev.ID, req.CheckInID, req.Body.Reason, principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	return api.VoidCheckIn200JSONResponse(toCheckIn(ev, c)), nil
}

// ImportParticipants keeps a virtual session's participants report as presence evidence.
func (s *Server) ImportParticipants(ctx context.Context, req api.ImportParticipantsRequestObject) (api.ImportParticipantsResponseObject, error) {
	ev, err := s.managedEvent(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(io.LimitReader(req.Body, rosterBodyLimit+1))
	if err != nil {
		return nil, recert.Wrap(err, recert.EBADREQUEST, "the report could not be read")
	}
	if len(raw) > rosterBodyLimit {
		return nil, recert.Errorf(recert.ETOOLARGE, "the report is larger than %d bytes", rosterBodyLimit)
	}
	r, err := s.presence.ImportParticipants(ctx, ev.ID, req.Session, raw, principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	out := api.ParticipantsImport{ReportID: r.ReportID, SessionID: r.SessionID, Warnings: r.Warnings,
		Matched: reportPeople(r.Matched), Unmatched: reportPeople(r.Unmatched)}
	for i, u := range r.Unmatched {
		if out.Unmatched[i].Suggestions, err = s.suggestMembers(ctx, u.Name); err != nil {
			return nil, err
		}
	}
	return api.ImportParticipants200JSONResponse(out), nil
}

// suggestMembers finds, for a report's person no member has by email, the members the caller
// may see whose name contains theirs, as the member search does; nil for a nameless person.
func (s *Server) suggestMembers(ctx context.Context, name string) ([]struct {
	MemberID string `json:"member_id"`
	Name     string `json:"name"`
}, error) {
	if strings.TrimSpace(name) == "" {
		return nil, nil
	}
	ms, _, err := s.store.Members(ctx, recert.MemberFilter{Page: recert.Page{Limit: 3}, Text: strings.TrimSpace(name), Scope: principalFrom(ctx).Scope()})
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	out := make([]struct {
		MemberID string `json:"member_id"`
		Name     string `json:"name"`
	}, len(ms))
	for i, m := range ms {
		out[i].MemberID, out[i].Name = m.ID, m.Name
	}
	return out, nil
}

func reportPeople(in []ledger.ReportPerson) []api.ReportPerson {
	out := make([]api.ReportPerson, len(in))
	for i, p := range in {
		out[i] = api.ReportPerson{Email: p.Email, Name: optional(p.Name), MemberID: optional(p.MemberID), MinutesPresent: minutes(p.Seconds)}
	}
	return out
}

// minutes are seconds as minutes to the hundredth, rounded down.
func minutes(seconds int64) string {
	hundredths := seconds * 100 / 60
	return fmt.Sprintf("%d.%02d", hundredths/100, hundredths%100)
}

// ConvertCheckIns turns the event's presence into credit through the roster workflow.
func (s *Server) ConvertCheckIns(ctx context.Context, req api.ConvertCheckInsRequestObject) (api.ConvertCheckInsResponseObject, error) {
	ev, err := s.managedEvent(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	p := principalFrom(ctx)
	in := ledger.ConvertInput{EventID: ev.ID, DryRun: value(req.Params.DryRun), Actor: p.Subject, Viewer: p.Scope()}
	conv, err := s.presence.Convert(ctx, in)
	if err != nil {
		return nil, err
	}
	return api.ConvertCheckIns200JSONResponse(toConversion(ev, conv, in.DryRun)), nil
}

func toConversion(ev recert.Event, conv ledger.Conversion, dryRun bool) api.CheckInConversion {
	out := api.CheckInConversion{EventID: ev.ID, PresencePolicy: api.CheckInConversionPresencePolicy(conv.Rule.Policy),
		Presence: make([]api.SessionPresenceResult, len(conv.Presence)),
		Roster:   rosterResult(conv.Roster, "atomic", ledger.RosterInput{DryRun: dryRun})}
	if conv.Rule.Policy == recert.PresenceShare {
		out.PresenceSharePercent = ptr(conv.Rule.SharePercent)
	}
	for i, sp := range conv.Presence {
		r := api.SessionPresenceResult{MemberID: sp.MemberID, SessionID: sp.SessionID, Session: sp.Code, MinutesPresent: minutes(sp.Seconds),
			Ceus: sp.CEUs.String(), Credited: sp.Reason == "", CheckInIds: sp.CheckIns, ReportIds: sp.Reports}
		if sp.Reason != "" {
			r.Reason = ptr(api.SessionPresenceResultReason(sp.Reason))
		}
		out.Presence[i] = r
	}
	return out
}

func toCheckIn(ev recert.Event, c recert.CheckIn) api.CheckIn {
	out := api.CheckIn{ID: c.ID, EventID: c.EventID, SessionID: c.SessionID, MemberID: c.MemberID,
		Direction: api.CheckInDirection(c.Direction), Method: api.CheckInMethod(c.Method), ClientID: optional(c.ClientID),
		RecordedBy: optional(c.RecordedBy), DeviceTime: c.DeviceTime, At: c.At(), ReceivedAt: c.ReceivedAt,
		Offline: c.Offline, ClockFlag: c.ClockFlag, VoidedAt: c.VoidedAt, VoidedBy: optional(c.VoidedBy), VoidReason: optional(c.VoidReason)}
	for _, s := range ev.Sessions {
		if s.ID == c.SessionID {
			out.Session = s.Code
		}
	}
	return out
}

// attendanceEvidence is the presence an attendance was converted from: the member's
// check-ins at its event (voided included) and their lines of participants reports.
func (s *Server) attendanceEvidence(ctx context.Context, a recert.Attendance) (*api.AttendanceEvidence, error) {
	cs, err := s.store.CheckInsOf(ctx, a.EventID, "", a.MemberID)
	if err != nil {
		return nil, err
	}
	lines, err := s.store.EventParticipantIntervals(ctx, a.EventID, a.MemberID)
	if err != nil || len(cs)+len(lines) == 0 {
		return nil, err
	}
	ev, err := s.store.Event(ctx, a.EventID)
	if err != nil {
		return nil, err
	}
	out := &api.AttendanceEvidence{CheckIns: make([]api.CheckIn, len(cs)), ParticipantIntervals: make([]api.ParticipantInterval, len(lines))}
	for i, c := range cs {
		out.CheckIns[i] = toCheckIn(ev, c)
	}
	for i, l := range lines {
		out.ParticipantIntervals[i] = api.ParticipantInterval{ReportID: l.ReportID, SessionID: l.SessionID, JoinedAt: l.Start, LeftAt: l.End}
	}
	return out, nil
}

// SelfCheckIn records the calling member's own check-in (or check-out) with the code their
// session's screen shows; the rules, limits included, are the pages' (ledger.SelfCheckIn).
func (s *Server) SelfCheckIn(ctx context.Context, req api.SelfCheckInRequestObject) (api.SelfCheckInResponseObject, error) {
	p := principalFrom(ctx)
	if p.MemberID == "" || p.App != "" {
		return nil, forbidden("only a member checks themself in, with their own sign-in")
	}
	b := req.Body
	code := ledger.SelfCode{EventID: b.EventID, Session: b.Session, MemberID: p.MemberID, Code: b.Code, Actor: p.Subject}
	if b.Direction != nil {
		code.Direction = string(*b.Direction)
	}
	res, err := s.checkIns.SelfCheckIn(ctx, code)
	if err != nil {
		return nil, err
	}
	ev, err := s.store.Event(ctx, b.EventID)
	if err != nil {
		return nil, err
	}
	switch res.Outcome {
	case ledger.DeskGreen:
		return api.SelfCheckIn201JSONResponse(toCheckIn(ev, *res.CheckIn)), nil
	case ledger.DeskRed:
		return api.SelfCheckIn200JSONResponse(toCheckIn(ev, *res.CheckIn)), nil
	case ledger.DeskYellow:
		if res.Reason == ledger.ReasonWrongCode {
			return nil, fieldError("#/code", res.Detail)
		}
		return nil, recert.Errorf(recert.ECONFLICT, "%s", res.Detail)
	}
	return nil, fmt.Errorf("self check-in: unexpected outcome %q", res.Outcome)
}
