package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/auditpacket"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render"
	"github.com/recert-dev/recert/internal/transcript"
)

// memberReport is the filing report of every program the member is enrolled in, as the
// API's report makes it.
func (p *Pages) memberReport(c echo.Context) (ledger.Report, error) {
	u, _ := p.user(c)
	if u.MemberID == "" {
		return ledger.Report{}, recert.Errorf(recert.ENOTFOUND, "no member record")
	}
	return p.progress.Report(ctxOf(c), ledger.Query{MemberID: u.MemberID, Scope: recert.AllOrganizations()})
}

// report shows the filing report: what to transcribe into each board's filing system.
func (p *Pages) report(c echo.Context) error {
	rep, err := p.memberReport(c)
	if err != nil {
		return p.redo(c, err, "report", "Filing report", ledger.Report{})
	}
	return p.render(c, http.StatusOK, "report", "Filing report", rep)
}

// reportCSV downloads it as the API's CSV.
func (p *Pages) reportCSV(c echo.Context) error {
	rep, err := p.memberReport(c)
	if err != nil {
		return p.fail(c, err)
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="recert-report.csv"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", ledger.ReportCSV(rep))
}

// reportPDF downloads it as the transcript the API gives: every counted credit, totals per
// requirement, and what did not count and why.
func (p *Pages) reportPDF(c echo.Context) error {
	rep, err := p.memberReport(c)
	if err != nil {
		return p.fail(c, err)
	}
	pdf, err := transcript.PDF(render.Letter, transcript.FromReport(rep))
	if err != nil {
		return p.fail(c, err)
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `inline; filename="recert-transcript.pdf"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

// auditPacket downloads the member's audit packet of the report's periods, the same ZIP as
// the API's, streamed as it is written.
func (p *Pages) auditPacket(c echo.Context) error {
	rep, err := p.memberReport(c)
	if err != nil {
		return p.fail(c, err)
	}
	if p.credentials == nil {
		return p.fail(c, recert.Errorf(recert.ENOTFOUND, "no audit packet: certificates are not issued here"))
	}
	u, _ := p.user(c)
	packets := auditpacket.Writer{Store: p.store, Credentials: p.credentials, PublicURL: p.publicURL}
	plan, err := packets.Plan(ctxOf(c), u.MemberID, rep)
	if err != nil {
		return p.fail(c, err)
	}
	body := packets.Stream(ctxOf(c), plan)
	defer body.Close()
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="recert-audit-packet-`+plan.Start+`.zip"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Stream(http.StatusOK, "application/zip", body)
}
