package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// Self check-in limits: a member may try a few codes a minute; a session takes a room's worth
// of attempts a minute, far too few to guess one of a million codes in its three-minute life.
const (
	selfCodeMemberPerMinute  = 5
	selfCodeSessionPerMinute = 300
)

type projectorData struct {
	Event   recert.Event
	Session recert.Session
	Code    string
	Where   string
	Off     bool
}

// RefreshSeconds reloads the projector's page well within each code's minute.
func (projectorData) RefreshSeconds() int { return 10 }

// projector shows a session's current self check-in code, for staff to put on the screen.
func (p *Pages) projector(c echo.Context) error {
	ev, _, err := p.scanActor(c, c.Param("event_id"))
	if err != nil {
		return p.fail(c, err)
	}
	s, ok := ev.SessionByRef(c.Param("session_id"))
	if !ok || p.checkInKey.IsZero() {
		return p.fail(c, recert.Errorf(recert.ENOTFOUND, "no such session"))
	}
	d := projectorData{Event: ev, Session: s, Off: ev.CheckIn.SelfCheckInOff, Where: p.publicURL + "/app/checkin"}
	if !d.Off {
		d.Code = recert.SessionCode(p.sessionSecret(s.ID), p.now())
	}
	return p.render(c, http.StatusOK, "projector", s.Code+" check-in code", d)
}

func (p *Pages) sessionSecret(sessionID string) []byte {
	return p.checkInKey.Derive(ledger.SessionSecretLabel(sessionID))
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
			d.Sessions = append(d.Sessions, [2]string{ev.ID + "/" + s.ID, label})
		}
	}
	return p.render(c, status, "checkin", "Check in", d)
}

// selfCheckIn records the member's check-in when the code is the session's, within the
// member's and the session's attempt limits.
func (p *Pages) selfCheckIn(c echo.Context) error {
	u, _ := p.user(c)
	d := selfCheckInData{Chosen: c.FormValue("session")}
	eventID, sessionID, _ := strings.Cut(d.Chosen, "/")
	for _, lim := range []struct {
		key       string
		perMinute int
	}{{"selfcode:member:" + u.MemberID, selfCodeMemberPerMinute}, {"selfcode:session:" + sessionID, selfCodeSessionPerMinute}} {
		ok, wait, err := p.store.AllowAttempt(ctxOf(c), lim.key, float64(lim.perMinute), lim.perMinute)
		if err != nil {
			return p.fail(c, err)
		}
		if !ok {
			c.Response().Header().Set("Retry-After", fmt.Sprint(max(1, int(wait.Seconds()))))
			return p.fail(c, recert.Errorf(recert.ERATELIMITED, "too many codes tried: wait a minute and try again"))
		}
	}
	res, err := p.desk.SelfCheckIn(ctxOf(c), eventID, sessionID, u.MemberID, c.FormValue("code"), p.sessionSecret(sessionID), u.ID)
	if err != nil {
		return p.fail(c, err)
	}
	if res.Outcome == ledger.DeskGreen {
		return c.Redirect(http.StatusSeeOther, "/app/checkin?done=checked-in")
	}
	d.Result = &deskView{Outcome: res.Outcome, Headline: "Not checked in", Detail: res.Detail}
	if res.Outcome == ledger.DeskRed {
		d.Result.Headline, d.Result.Detail = "You are already checked in to "+res.Session.Code, ""
	}
	return p.selfCheckInForm(c, http.StatusOK, d)
}
