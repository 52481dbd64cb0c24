package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// sharesData is the share links page: the member's links, the form to make one, and the
// address of the one just made (shown once).
type sharesData struct {
	Links    []shareRow
	Programs []shareProgram
	NewURL   string
	// The form as typed, kept when it is sent back with a problem.
	Program, Period, Label, ExpiresOn string
}

type shareProgram struct{ ID, Words string }

type shareRow struct {
	ID, Label, Program, Period, Status, Expires, LastViewed string
	Views                                                   int
	Active                                                  bool
}

// shares lists the member's share links and offers to make one.
func (p *Pages) shares(c echo.Context) error {
	d, err := p.sharesPage(c, sharesData{})
	if err != nil {
		return p.fail(c, err)
	}
	return p.render(c, http.StatusOK, "shares", "Share your record", d)
}

// sharesPage fills the page's lists around d's form.
func (p *Pages) sharesPage(c echo.Context, d sharesData) (sharesData, error) {
	u, _ := p.user(c)
	ctx := ctxOf(c)
	links, err := p.store.ShareLinks(ctx, u.MemberID)
	if err != nil {
		return d, err
	}
	now := p.now()
	for _, l := range links {
		r := shareRow{ID: l.ID, Label: l.Label, Program: l.ProgramName, Views: l.Views, Status: l.Status(now),
			Period: longDate(l.PeriodStart) + " to " + longDate(l.PeriodEnd), Expires: l.ExpiresAt.Format("2 January 2006")}
		r.Active = r.Status == recert.ShareActive
		if l.LastViewedAt != nil {
			r.LastViewed = l.LastViewedAt.Format("2 January 2006, 15:04 MST")
		}
		d.Links = append(d.Links, r)
	}
	rep, err := p.memberReport(c)
	if err != nil && recert.ErrorCode(err) != recert.EINVALID {
		return d, err
	}
	for _, pr := range rep.Reports {
		d.Programs = append(d.Programs, shareProgram{ID: pr.ProgramID, Words: pr.ProgramName + ", " + longDate(pr.Start) + " to " + longDate(pr.End)})
	}
	return d, nil
}

// createShare makes a link to one period, through the same use case as the API's, and
// shows its address once.
func (p *Pages) createShare(c echo.Context) error {
	u, _ := p.user(c)
	d := sharesData{Program: c.FormValue("program_id"), Period: strings.TrimSpace(c.FormValue("period")),
		Label: strings.TrimSpace(c.FormValue("label")), ExpiresOn: strings.TrimSpace(c.FormValue("expires_at"))}
	in := ledger.ShareInput{MemberID: u.MemberID, ProgramID: d.Program, Label: d.Label}
	var ps ledger.Problems
	if d.Period != "" {
		day, err := time.Parse(time.DateOnly, d.Period)
		if err != nil {
			ps.Add("#/period", "a date such as 2026-04-17")
		}
		in.Period = recert.DateOf(day)
	}
	if d.ExpiresOn != "" {
		day, err := time.Parse(time.DateOnly, d.ExpiresOn)
		if err != nil {
			ps.Add("#/expires_at", "a date such as 2026-05-31")
		}
		end := day.Add(24*time.Hour - time.Second) // the link works through the day named
		in.ExpiresAt = &end
	}
	err := ps.Err()
	var secret string
	if err == nil {
		_, secret, err = p.shareLinks.Create(ctxOf(c), in)
	}
	if err != nil {
		full, ferr := p.sharesPage(c, d)
		if ferr != nil {
			return p.fail(c, ferr)
		}
		return p.redo(c, err, "shares", "Share your record", full)
	}
	d, err = p.sharesPage(c, sharesData{NewURL: p.publicURL + "/share/" + secret})
	if err != nil {
		return p.fail(c, err)
	}
	noReferrer(c)
	c.Response().Header().Set("Cache-Control", "no-store")
	return p.render(c, http.StatusOK, "shares", "Share your record", d)
}

// revokeShare ends one of the member's links; another member's is not found.
func (p *Pages) revokeShare(c echo.Context) error {
	u, _ := p.user(c)
	if err := p.shareLinks.Revoke(ctxOf(c), u.MemberID, c.Param("share_link_id")); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/shares?done=share-revoked")
}
