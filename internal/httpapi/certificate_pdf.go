package httpapi

import (
	"bytes"
	"cmp"
	"context"
	"sort"

	"github.com/recert-dev/recert/api"
	certpdf "github.com/recert-dev/recert/internal/certificate"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render"
)

// GetCertificatePDF answers the printable certificate of an attendance, whose QR code is
// the address of its credential's verification page.
func (s *Server) GetCertificatePDF(ctx context.Context, req api.GetCertificatePDFRequestObject) (api.GetCertificatePDFResponseObject, error) {
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
	cred, err := s.credentials.Current(ctx, a)
	if err != nil {
		return nil, err
	}
	paper := render.Letter
	if req.Params.Paper != nil && *req.Params.Paper == api.A4 {
		paper = render.A4
	}
	pdf, err := certpdf.PDF(paper, printableCertificate(a, e, m, org, cred, verifyURL(s.publicURL, cred.ID)))
	if err != nil {
		return nil, err
	}
	disposition := `inline; filename="certificate-` + a.ID + `.pdf"`
	return api.GetCertificatePDF200ApplicationPdfResponse{Body: bytes.NewReader(pdf), ContentLength: int64(len(pdf)),
		Headers: api.GetCertificatePDF200ResponseHeaders{ContentDisposition: &disposition}}, nil
}

// verifyURL is the public address of a credential's verification page.
func verifyURL(publicURL, credentialID string) string { return publicURL + "/verify/" + credentialID }

// formatWords names the ways an event is held, as a certificate prints them.
var formatWords = map[string]string{
	"in_person": "In person", "live_webinar": "Live webinar", "self_directed": "Self-directed", "simulation": "Simulation",
}

// attended is one session an attendance earned CEUs at, with its category (the session's,
// or else the event's).
type attended struct {
	session  recert.Session
	category string
	ceus     recert.Units
}

// categoryTotal is the CEUs an attendance earned in one ABCP category.
type categoryTotal struct {
	category string
	ceus     recert.Units
}

// earned lists the sessions a attended at e, and its CEUs per category in the order I, II,
// III, none; an attendance awarded CEUs without sessions counts in the event's category.
func earned(a recert.Attendance, e recert.Event) ([]attended, []categoryTotal) {
	byID := map[string]recert.Session{}
	for _, s := range e.Sessions {
		byID[s.ID] = s
	}
	var sessions []attended
	totals := map[string]recert.Units{}
	for _, sc := range a.Sessions {
		s := byID[sc.SessionID]
		category := cmp.Or(s.Category, e.Category)
		sessions = append(sessions, attended{session: s, category: category, ceus: sc.CEUs})
		totals[category] += sc.CEUs
	}
	if len(a.Sessions) == 0 {
		totals[e.Category] += a.CEUsAwarded
	}
	categories := make([]string, 0, len(totals))
	for k := range totals {
		categories = append(categories, k)
	}
	sort.Strings(categories) // I, II, III, then none
	out := make([]categoryTotal, len(categories))
	for i, k := range categories {
		out[i] = categoryTotal{category: k, ceus: totals[k]}
	}
	return sessions, out
}

// printableCertificate is what the certificate of a (current) attendance states.
func printableCertificate(a recert.Attendance, e recert.Event, m recert.Member, org recert.Organization, cred recert.Credential, verify string) certpdf.Certificate {
	c := certpdf.Certificate{
		AttendeeName: m.Name, EventTitle: e.Title, Format: formatWords[e.Format],
		StartDate: e.StartDate.Time(), EndDate: e.EndDate.Time(), TotalCEUs: a.Total().String(),
		ApprovalRef: e.ApprovalRef, Sponsor: org.Name, Contact: org.ContactEmail, IssuedOn: cred.IssuedAt, VerifyURL: verify,
	}
	sessions, totals := earned(a, e)
	for _, s := range sessions {
		c.Sessions = append(c.Sessions, certpdf.Session{Title: s.session.Title, Date: s.session.Date.Time(), Category: categoryWords(s.category), CEUs: s.ceus.String()})
	}
	for _, t := range totals {
		c.ByCategory = append(c.ByCategory, certpdf.CategoryCEUs{Category: categoryWords(t.category), CEUs: t.ceus.String()})
	}
	return c
}

// categoryWords names an ABCP category as the certificate prints it after "Category".
func categoryWords(c string) string {
	if c == "none" { // a session ABCP did not categorise
		return "none (not an ABCP category)"
	}
	return c
}
