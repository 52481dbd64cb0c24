package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// volunteerCookie holds a volunteer's scanner session: the secret their invitation link was
// exchanged for, good for one event's check-in until a day after it.
const volunteerCookie = "recert_volunteer"

// inviteVolunteer creates a volunteer's one-time link and shows it once on the scan page.
func (p *Pages) inviteVolunteer(c echo.Context) error {
	ev, u, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	_, token, err := p.volunteers.Invite(ctxOf(c), ev.ID, c.FormValue("name"), u.ID)
	if err != nil {
		return p.fail(c, err)
	}
	d, err := p.scanData(c, ev, scanActor{ID: u.ID})
	if err != nil {
		return p.fail(c, err)
	}
	d.Invited = p.publicURL + "/app/volunteer?token=" + token
	return p.render(c, http.StatusOK, "scan", "Check-in: "+ev.Title, d)
}

// revokeVolunteer ends a volunteer's access at once.
func (p *Pages) revokeVolunteer(c echo.Context) error {
	ev, _, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	if err := p.volunteers.Revoke(ctxOf(c), ev.ID, c.Param("volunteer_id")); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/events/"+ev.ID+"/scan?done=volunteer-revoked")
}

type volunteerData struct{ Token string }

// volunteerPage is where an invitation link lands: it changes nothing until the volunteer
// confirms, so a link preview cannot spend it.
func (p *Pages) volunteerPage(c echo.Context) error {
	return p.render(c, http.StatusOK, "volunteer", "Help at the door", volunteerData{Token: c.QueryParam("token")})
}

// claimVolunteer spends the invitation and keeps the volunteer's session in this browser.
func (p *Pages) claimVolunteer(c echo.Context) error {
	v, session, err := p.volunteers.Claim(ctxOf(c), c.FormValue("token"))
	if err != nil {
		return p.fail(c, err)
	}
	c.SetCookie(p.cookie(volunteerCookie, session, int(time.Until(v.ExpiresAt).Seconds())))
	return c.Redirect(http.StatusSeeOther, "/app/events/"+v.EventID+"/scan")
}
