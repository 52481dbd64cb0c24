package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/recert"
)

// cancelEvent cancels an event from its page, through the use case the API's status change
// calls; the page asks for it behind a confirmation.
func (p *Pages) cancelEvent(c echo.Context) error {
	ev, u, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	if _, err := p.evs.SetStatus(ctxOf(c), ev.ID, recert.EventCancelled, u.ID); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/events/"+ev.ID+"?done=cancelled")
}

// withdrawPosting revokes what a roster posting created, with the reason, through the use
// case the API's withdrawal calls, so that each member hears of it as from the API.
func (p *Pages) withdrawPosting(c echo.Context) error {
	ev, u, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	reason := strings.TrimSpace(c.FormValue("reason"))
	if _, err := p.rosters.Withdraw(ctxOf(c), ev.ID, c.Param("posting_id"), reason, u.ID); err != nil {
		if !onForm(c, err) {
			return p.fail(c, err)
		}
		d, derr := p.eventData(c, ev)
		if derr != nil {
			return p.fail(c, derr)
		}
		return p.render(c, http.StatusBadRequest, "event", ev.Title, d)
	}
	return c.Redirect(http.StatusSeeOther, "/app/events/"+ev.ID+"?done=withdrawn")
}
