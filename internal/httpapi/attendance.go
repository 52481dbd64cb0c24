package httpapi

import (
	"bytes"
	"context"
	"strings"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// visibleAttendance returns an attendance the caller may read: the member's own, or at an
// event of an organization the caller acts for, or any for administrators.
func (s *Server) visibleAttendance(ctx context.Context, id string) (recert.Attendance, recert.Event, error) {
	a, err := s.store.Attendance(ctx, id)
	if err != nil {
		return a, recert.Event{}, err
	}
	e, err := s.store.Event(ctx, a.EventID)
	if err != nil {
		return a, e, err
	}
	p := principalFrom(ctx)
	if !canSeeOrganization(p, e.OrganizationID) && !(p.Role == recert.RoleMember && p.MemberID == a.MemberID) {
		return a, e, notFound("attendance", id)
	}
	return a, e, nil
}

// managedAttendance returns an attendance the caller may change: at an event of an
// organization it acts for, or any for administrators.
func (s *Server) managedAttendance(ctx context.Context, id string) (recert.Attendance, error) {
	a, e, err := s.visibleAttendance(ctx, id)
	if err == nil && !canSeeOrganization(principalFrom(ctx), e.OrganizationID) {
		return a, notFound("attendance", id)
	}
	return a, err
}

// GetAttendance returns one attendance record.
func (s *Server) GetAttendance(ctx context.Context, req api.GetAttendanceRequestObject) (api.GetAttendanceResponseObject, error) {
	a, _, err := s.visibleAttendance(ctx, req.AttendanceID)
	if err != nil {
		return nil, err
	}
	return api.GetAttendance200JSONResponse(toAttendance(a)), nil
}

// ListEventAttendance lists an event's attendance for its organization.
func (s *Server) ListEventAttendance(ctx context.Context, req api.ListEventAttendanceRequestObject) (api.ListEventAttendanceResponseObject, error) {
	ev, err := s.managedEvent(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	if wantsCSV(requestInfoFrom(ctx).accept) {
		b, err := s.attendanceCSV(ctx, ev)
		if err != nil {
			return nil, err
		}
		return api.ListEventAttendance200TextCsvResponse{Body: bytes.NewReader(b), ContentLength: int64(len(b))}, nil
	}
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	as, next, err := s.store.EventAttendance(ctx, req.EventID, pg)
	if err != nil {
		return nil, err
	}
	return api.ListEventAttendance200JSONResponse{Items: toAttendances(as), NextCursor: nextCursor(next)}, nil
}

// ListMemberAttendance lists a member's attendance: all of it for the member and
// administrators, at their organizations' events for organizers and apps.
func (s *Server) ListMemberAttendance(ctx context.Context, req api.ListMemberAttendanceRequestObject) (api.ListMemberAttendanceResponseObject, error) {
	orgs, err := s.memberScope(ctx, req.MemberID)
	if err != nil {
		return nil, err
	}
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	as, next, err := s.store.MemberAttendance(ctx, req.MemberID, orgs, pg)
	if err != nil {
		return nil, err
	}
	return api.ListMemberAttendance200JSONResponse{Items: toAttendances(as), NextCursor: nextCursor(next)}, nil
}

// CorrectAttendance sets the sessions or CEUs of an attendance, with a reason.
func (s *Server) CorrectAttendance(ctx context.Context, req api.CorrectAttendanceRequestObject) (api.CorrectAttendanceResponseObject, error) {
	if _, err := s.managedAttendance(ctx, req.AttendanceID); err != nil {
		return nil, err
	}
	b := req.Body
	a, err := s.attendances.Correct(ctx, req.AttendanceID, ledger.Correction{Sessions: b.Sessions, CEUs: b.Ceus, Reason: b.Reason},
		principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	return api.CorrectAttendance200JSONResponse(toAttendance(a)), nil
}

// RevokeAttendance stops an attendance counting; its record and history stay.
func (s *Server) RevokeAttendance(ctx context.Context, req api.RevokeAttendanceRequestObject) (api.RevokeAttendanceResponseObject, error) {
	if _, err := s.managedAttendance(ctx, req.AttendanceID); err != nil {
		return nil, err
	}
	a, err := s.attendances.Revoke(ctx, req.AttendanceID, req.Params.Reason, principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	return api.RevokeAttendance200JSONResponse(toAttendance(a)), nil
}

// GetAttendanceHistory returns every change to an attendance, oldest first.
func (s *Server) GetAttendanceHistory(ctx context.Context, req api.GetAttendanceHistoryRequestObject) (api.GetAttendanceHistoryResponseObject, error) {
	a, _, err := s.visibleAttendance(ctx, req.AttendanceID)
	if err != nil {
		return nil, err
	}
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	changes, err := s.store.AttendanceHistory(ctx, req.AttendanceID)
	if err != nil {
		return nil, err
	}
	changes, next, err := pageOf(changes, func(c recert.AttendanceChange) string { return c.ID }, pg)
	if err != nil {
		return nil, err
	}
	out := api.AttendanceHistory{Items: make([]api.AttendanceChange, len(changes)), NextCursor: next}
	for i, c := range changes {
		out.Items[i] = api.AttendanceChange{ID: c.ID, At: c.At, Actor: c.Actor, Action: api.AttendanceChangeAction(c.Action),
			Reason: optional(c.Reason), After: toAttendance(c.After), PostingID: optional(c.PostingID)}
		if c.Source != "" {
			out.Items[i].Source = ptr(api.AttendanceChangeSource(c.Source))
		}
		if c.Before != nil {
			out.Items[i].Before = ptr(toAttendance(*c.Before))
		}
	}
	if out.Evidence, err = s.attendanceEvidence(ctx, a); err != nil {
		return nil, err
	}
	return api.GetAttendanceHistory200JSONResponse(out), nil
}

// GetCertificate gives the attendee what sponsors must: who, what, when, how many CEUs.
func (s *Server) GetCertificate(ctx context.Context, req api.GetCertificateRequestObject) (api.GetCertificateResponseObject, error) {
	a, e, err := s.visibleAttendance(ctx, req.AttendanceID)
	if err != nil {
		return nil, err
	}
	if a.Revoked {
		return nil, recert.Errorf(recert.ECONFLICT, "attendance %s is revoked: no certificate", a.ID)
	}
	m, err := s.store.Member(ctx, a.MemberID)
	if err != nil {
		return nil, err
	}
	org, err := s.store.Organization(ctx, e.OrganizationID)
	if err != nil {
		return nil, err
	}
	return certificateResponse(certificate(a, e, m, org), req.Params.IfNoneMatch)
}

// certificate is issued when the attendance was posted or last corrected, so asking again
// gives the same certificate.
func certificate(a recert.Attendance, e recert.Event, m recert.Member, org recert.Organization) api.Certificate {
	c := api.Certificate{
		AttendanceID: a.ID, AttendeeName: m.Name, ABCPID: optional(m.ABCPID), Sponsor: org.Name, EventTitle: e.Title,
		ApprovalRef: optional(e.ApprovalRef), Category: api.Category(e.Category), Format: api.EventFormat(e.Format),
		StartDate: openapi_types.Date{Time: e.StartDate.Time()}, EndDate: openapi_types.Date{Time: e.EndDate.Time()},
		Ceus: a.Total().String(), IssuedAt: a.UpdatedAt.UTC(),
	}
	byID := map[string]recert.Session{}
	for _, s := range e.Sessions {
		byID[s.ID] = s
	}
	for _, sc := range a.Sessions {
		s := byID[sc.SessionID]
		c.Sessions = append(c.Sessions, struct {
			Ceus  api.CEUs           `json:"ceus"`
			Date  openapi_types.Date `json:"date"`
			Title string             `json:"title"`
		}{sc.CEUs.String(), openapi_types.Date{Time: s.Date.Time()}, s.Title})
	}
	if c.Sessions == nil {
		c.Sessions = []struct {
			Ceus  api.CEUs           `json:"ceus"`
			Date  openapi_types.Date `json:"date"`
			Title string             `json:"title"`
		}{}
	}
	return c
}

// ListCredits returns a member's ledger, as JSON or, for Accept: text/csv, as CSV.
func (s *Server) ListCredits(ctx context.Context, req api.ListCreditsRequestObject) (api.ListCreditsResponseObject, error) {
	orgs, err := s.memberScope(ctx, req.MemberID)
	if err != nil {
		return nil, err
	}
	q := req.Params
	credits, err := s.store.Credits(ctx, recert.CreditFilter{MemberID: req.MemberID, From: fromDate(q.From), To: fromDate(q.To),
		Category: string(value(q.Category)), Scope: orgs})
	if err != nil {
		return nil, err
	}
	if wantsCSV(requestInfoFrom(ctx).accept) {
		b := ledger.CreditsCSV(credits)
		return api.ListCredits200TextCsvResponse{Body: bytes.NewReader(b), ContentLength: int64(len(b))}, nil
	}
	var total recert.Units // of every credit selected, not only this page's
	for _, c := range credits {
		total += c.CEUs
	}
	pg, err := page(q.Limit, q.Cursor)
	if err != nil {
		return nil, err
	}
	credits, next, err := pageOf(credits, func(c recert.Credit) string { return c.ID }, pg)
	if err != nil {
		return nil, err
	}
	out := api.CreditList{MemberID: req.MemberID, Items: make([]api.Credit, len(credits)), NextCursor: next}
	for i, c := range credits {
		out.Items[i] = toCredit(c)
	}
	out.TotalCeus = total.String()
	return api.ListCredits200JSONResponse(out), nil
}

// wantsCSV reports whether the Accept header prefers CSV over JSON.
func wantsCSV(accept string) bool {
	csvAt, jsonAt := strings.Index(accept, "text/csv"), strings.Index(accept, "application/json")
	return csvAt >= 0 && (jsonAt < 0 || csvAt < jsonAt)
}

func toCredit(c recert.Credit) api.Credit {
	return api.Credit{ID: c.ID, AttendanceID: c.AttendanceID, Date: openapi_types.Date{Time: c.Date.Time()},
		Category: api.Category(c.Category), Ceus: c.CEUs.String(), EventID: c.EventID, EventTitle: c.EventTitle,
		Format: api.EventFormat(c.Format), SessionID: optional(c.SessionID), SessionTitle: optional(c.SessionTitle),
		Topics: c.Topics, OrganizationID: c.OrganizationID, OrganizationName: c.OrganizationName,
		ApprovalRef: optional(c.ApprovalRef), Verified: c.Verified}
}

func toAttendances(as []recert.Attendance) []api.Attendance {
	out := make([]api.Attendance, len(as))
	for i, a := range as {
		out[i] = toAttendance(a)
	}
	return out
}

func toAttendance(a recert.Attendance) api.Attendance {
	out := api.Attendance{ID: a.ID, EventID: a.EventID, MemberID: a.MemberID, Ceus: a.Total().String(),
		Sessions: make([]api.SessionCredit, len(a.Sessions)), Revoked: a.Revoked, RevokeReason: optional(a.RevokeReason),
		Version: a.Version, CreatedAt: a.CreatedAt, CreatedBy: a.CreatedBy, UpdatedAt: a.UpdatedAt, UpdatedBy: a.UpdatedBy}
	for i, s := range a.Sessions {
		out.Sessions[i] = api.SessionCredit{SessionID: s.SessionID, Ceus: s.CEUs.String()}
	}
	if len(a.Sessions) == 0 && a.CEUsAwarded > 0 {
		out.CeusAwarded = ptr(a.CEUsAwarded.String())
	}
	return out
}

// attendanceCSV is the event's whole attendance as a spreadsheet, in the roster's own
// vocabulary: people, session codes, CEUs and whether it counts.
func (s *Server) attendanceCSV(ctx context.Context, ev recert.Event) ([]byte, error) {
	held, err := s.store.HeldAttendance(ctx, ev.ID)
	if err != nil {
		return nil, err
	}
	who, err := s.store.EventAttendees(ctx, ev.ID)
	if err != nil {
		return nil, err
	}
	return ledger.AttendanceCSV(ev, held, who), nil
}
