package httpapi

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/recert-dev/recert/api"
	certpdf "github.com/recert-dev/recert/internal/certificate"
	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render"
)

// GetCertificatePDF answers the printable certificate of an attendance: what its current
// credential states, with the QR code of that credential's verification page.
func (s *Server) GetCertificatePDF(ctx context.Context, req api.GetCertificatePDFRequestObject) (api.GetCertificatePDFResponseObject, error) {
	cred, err := s.currentCredential(ctx, req.AttendanceID)
	if err != nil {
		return nil, err
	}
	paper := render.Letter
	if req.Params.Paper != nil && *req.Params.Paper == api.GetCertificatePDFParamsPaperA4 {
		paper = render.A4
	}
	pdf, err := certpdf.PDF(paper, printableCertificate(cred, openbadges.VerifyURL(s.publicURL, cred.ID)))
	if err != nil {
		return nil, err
	}
	disposition := `inline; filename="certificate-` + req.AttendanceID + `.pdf"`
	return api.GetCertificatePDF200ApplicationPdfResponse{Body: bytes.NewReader(pdf), ContentLength: int64(len(pdf)),
		Headers: api.GetCertificatePDF200ResponseHeaders{ContentDisposition: &disposition}}, nil
}

// currentCredential is the credential of an attendance the caller may see, issued the first
// time it is asked for; a revoked attendance has none.
func (s *Server) currentCredential(ctx context.Context, attendanceID string) (recert.Credential, error) {
	a, _, err := s.visibleAttendance(ctx, attendanceID)
	if err != nil {
		return recert.Credential{}, err
	}
	return s.credentials.Current(ctx, a)
}

// printableCertificate is what a credential's certificate prints.
func printableCertificate(cred recert.Credential, verify string) certpdf.Certificate {
	st := cred.Statement
	c := certpdf.Certificate{
		AttendeeName: st.AttendeeName, EventTitle: st.EventTitle, Format: openbadges.FormatWords[st.Format],
		StartDate: st.StartDate.Time(), EndDate: st.EndDate.Time(), TotalCEUs: st.Total.String(),
		ApprovalRef: st.ApprovalRef, Sponsor: st.Sponsor, Contact: st.SponsorContact, IssuedOn: cred.IssuedAt, VerifyURL: verify,
	}
	for _, ses := range st.Sessions {
		c.Sessions = append(c.Sessions, certpdf.Session{Title: ses.Title, Date: ses.Date.Time(), Category: categoryWords(ses.Category), CEUs: ses.CEUs.String()})
	}
	for _, b := range st.ByCategory {
		c.ByCategory = append(c.ByCategory, certpdf.CategoryCEUs{Category: categoryWords(b.Category), CEUs: b.CEUs.String()})
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

// GetEventCertificatesPDF answers every current attendance's certificate at an event, a page
// each, in the order of the attendees' names, for the event's organization to print.
func (s *Server) GetEventCertificatesPDF(ctx context.Context, req api.GetEventCertificatesPDFRequestObject) (api.GetEventCertificatesPDFResponseObject, error) {
	ev, err := s.managedEvent(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	var creds []recert.Credential
	pg := recert.Page{Limit: 500}
	for {
		as, next, err := s.store.EventAttendance(ctx, ev.ID, pg)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if a.Revoked {
				continue
			}
			c, err := s.credentials.Current(ctx, a)
			if err != nil {
				return nil, err
			}
			creds = append(creds, c)
		}
		if next == "" {
			break
		}
		pg.After = next
	}
	if len(creds) == 0 {
		return nil, recert.Errorf(recert.ECONFLICT, "event %s has no current attendance: no certificates", ev.ID)
	}
	slices.SortStableFunc(creds, func(a, b recert.Credential) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Statement.AttendeeName), strings.ToLower(b.Statement.AttendeeName)), cmp.Compare(a.ID, b.ID))
	})
	paper := render.Letter
	if req.Params.Paper != nil && *req.Params.Paper == api.GetEventCertificatesPDFParamsPaperA4 {
		paper = render.A4
	}
	doc, err := render.NewDocument(paper, render.Info{Title: "Certificates of attendance: " + ev.Title, Subject: ev.Title, Created: s.now()})
	if err != nil {
		return nil, err
	}
	for _, c := range creds {
		if err := certpdf.Draw(doc, printableCertificate(c, openbadges.VerifyURL(s.publicURL, c.ID))); err != nil {
			return nil, err
		}
	}
	pdf, err := doc.Bytes()
	if err != nil {
		return nil, err
	}
	disposition := `inline; filename="certificates-` + ev.ID + `.pdf"`
	return api.GetEventCertificatesPDF200ApplicationPdfResponse{Body: bytes.NewReader(pdf), ContentLength: int64(len(pdf)),
		Headers: api.GetEventCertificatesPDF200ResponseHeaders{ContentDisposition: &disposition}}, nil
}
