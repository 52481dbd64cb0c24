package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

type projectorData struct {
	Event   recert.Event
	Session recert.Session
	Code    string
	OutCode string // the check-out code, where the event's credit depends on time present
	Where   string
	Off     bool
}

// RefreshSeconds reloads the projector's page well within each code's minute.
func (projectorData) RefreshSeconds() int { return 10 }

// projector shows a session's current self check-in code (and check-out code), for staff to
// put on the screen.
func (p *Pages) projector(c echo.Context) error {
	ev, _, err := p.scanActor(c, c.Param("event_id"))
	if err != nil {
		return p.fail(c, err)
	}
	s, ok := ev.SessionByRef(c.Param("session_id"))
	if !ok {
		return p.fail(c, recert.Errorf(recert.ENOTFOUND, "no such session"))
	}
	d := projectorData{Event: ev, Session: s, Where: p.publicURL + "/app/checkin"}
	d.Code, ok = p.desk.SessionCode(ev, s, recert.CheckInDirectionIn)
	d.Off = !ok
	d.OutCode, _ = p.desk.SessionCode(ev, s, recert.CheckInDirectionOut)
	return p.render(c, http.StatusOK, "projector", s.Code+" check-in code", d)
}

type selfCheckInData struct {
	Sessions [][2]string // value (event/session), label
	Chosen   string
	Result   *deskView
}

// selfCheckInPage lets a member check themselves in with the code on the session's screen:
// it offers today's sessions of events that allow it.
func (p *Pages) selfCheckInPage(c echo.Context) error {
	return p.selfCheckInForm(c, http.StatusOK, selfCheckInData{})
}

func (p *Pages) selfCheckInForm(c echo.Context, status int, d selfCheckInData) error {
	today := recert.DateOf(p.now())
	evs, _, err := p.store.Events(ctxOf(c), recert.EventFilter{Page: recert.Page{Limit: 100}, From: today.AddDays(-1), To: today.AddDays(1),
		Scope: recert.AllOrganizations(), Statuses: []string{recert.EventPublished}})
	if err != nil {
		return p.fail(c, err)
	}
	for _, ev := range evs {
		if ev.CheckIn.SelfCheckInOff {
			continue
		}
		for _, s := range ev.Sessions {
			if s.Date.AddDays(1).Before(today) || today.AddDays(1).Before(s.Date) {
				continue
			}
			label := fmt.Sprintf("%s · %s %s", ev.Title, s.Code, s.Title)
			if s.StartTime != "" {
				label += " (" + s.StartTime + ")"
			}
			d.Sessions = append(d.Sessions, [2]string{ev.ID + "/" + s.ID + "/in", label})
			if ev.CheckIn.NeedsCheckOut() {
				d.Sessions = append(d.Sessions, [2]string{ev.ID + "/" + s.ID + "/out", label + " — check out"})
			}
		}
	}
	return p.render(c, status, "checkin", "Check in", d)
}

// selfCheckIn records the member's check-in (or check-out) when the code is the session's.
func (p *Pages) selfCheckIn(c echo.Context) error {
	u, _ := p.user(c)
	d := selfCheckInData{Chosen: c.FormValue("session")}
	parts := strings.SplitN(d.Chosen, "/", 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	res, err := p.desk.SelfCheckIn(ctxOf(c), ledger.SelfCode{EventID: parts[0], Session: parts[1], Direction: parts[2],
		MemberID: u.MemberID, Code: c.FormValue("code"), Actor: u.ID})
	if err != nil {
		var th *recert.Throttled
		if errors.As(err, &th) {
			c.Response().Header().Set("Retry-After", fmt.Sprint(th.Seconds()))
		}
		return p.fail(c, err)
	}
	if res.Outcome == ledger.DeskGreen {
		done := "checked-in"
		if res.CheckIn.Direction == recert.CheckInDirectionOut {
			done = "checked-out"
		}
		return c.Redirect(http.StatusSeeOther, "/app/checkin?done="+done)
	}
	d.Result = &deskView{Outcome: res.Outcome, Headline: "Not recorded", Detail: res.Detail}
	if res.Outcome == ledger.DeskRed {
		d.Result.Headline, d.Result.Detail = "You are already checked "+res.CheckIn.Direction+" at "+res.Session.Code, ""
	}
	return p.selfCheckInForm(c, http.StatusOK, d)
}
