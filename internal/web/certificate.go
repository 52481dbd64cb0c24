package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/certificate"
	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render"
)

// certificatePDF is the printable certificate of one of the member's own attendances, the
// same document as the API's: what its current credential states, with the QR code of its
// verification page. Another member's attendance, or a revoked one, is not found.
func (p *Pages) certificatePDF(c echo.Context) error {
	a, cred, err := p.ownCredential(c)
	if err != nil {
		return p.fail(c, err)
	}
	paper := render.Letter
	if c.QueryParam("paper") == "a4" {
		paper = render.A4
	}
	pdf, err := certificate.PDF(paper, certificate.FromCredential(cred, openbadges.VerifyURL(p.publicURL, cred.ID)))
	if err != nil {
		return p.fail(c, err)
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `inline; filename="certificate-`+a.ID+`.pdf"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

// ownCredential is the current credential of one of the member's own attendances; another
// member's attendance, or a revoked one, is not found.
func (p *Pages) ownCredential(c echo.Context) (recert.Attendance, recert.Credential, error) {
	u, _ := p.user(c)
	ctx := ctxOf(c)
	a, err := p.store.Attendance(ctx, c.Param("attendance_id"))
	if err != nil || a.MemberID != u.MemberID || u.MemberID == "" || p.credentials == nil {
		return recert.Attendance{}, recert.Credential{}, recert.Errorf(recert.ENOTFOUND, "no such certificate")
	}
	cred, err := p.credentials.Current(ctx, a)
	return a, cred, err
}

// certificateLinkedIn sends the member to LinkedIn's add-to-profile form, filled in with one
// of their own certificates. The credential is issued when first asked for, as for the PDF,
// so the credits page links here rather than to LinkedIn.
func (p *Pages) certificateLinkedIn(c echo.Context) error {
	_, cred, err := p.ownCredential(c)
	if err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, openbadges.LinkedInAddURL(cred, openbadges.VerifyURL(p.publicURL, cred.ID)))
}

// eventCertificates is every current attendance's certificate at an event the organizer
// manages, one PDF to print at the desk, as the API gives it.
func (p *Pages) eventCertificates(c echo.Context) error {
	ev, _, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	if p.credentials == nil {
		return p.fail(c, recert.Errorf(recert.ENOTFOUND, "no certificates: they are not issued here"))
	}
	pdf, err := certificate.EventPDF(ctxOf(c), p.store, p.credentials, ev, p.publicURL, render.Letter, p.now())
	if err != nil {
		return p.fail(c, err)
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `inline; filename="certificates-`+ev.ID+`.pdf"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}
