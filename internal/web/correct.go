package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
)

// correct sets the sessions (or, without a breakdown, the CEUs) of one attendance of an
// event the user organizes, with a reason, and tells the member, as the API does.
func (p *Pages) correct(c echo.Context) error {
	a, u, err := p.managedAttendance(c)
	if err != nil {
		return p.fail(c, err)
	}
	corr := ledger.Correction{Reason: strings.TrimSpace(c.FormValue("reason"))}
	form, _ := c.FormParams()
	if ceus := strings.TrimSpace(c.FormValue("ceus")); ceus != "" {
		corr.CEUs = &ceus
	} else if ss := form["session"]; len(ss) > 0 {
		corr.Sessions = ss
	}
	if _, err := p.attend.Correct(ctxOf(c), a.ID, corr, u.ID); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/events/"+a.EventID+"?done=corrected#attendance")
}
