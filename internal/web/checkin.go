package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render"
)

// scanCookie binds a scanner's phone to one event, session and direction: the camera opens a
// code's URL with no form, so the choice made on the scan page travels in this cookie. It
// grants nothing: every scan checks again that the user manages the event.
const scanCookie = "recert_scan"

type cardData struct {
	Name, URL string
	QR        template.URL // a data: URL of our own PNG
}

// checkInCard is the member's own check-in code, as a QR code to show at the door or print.
func (p *Pages) checkInCard(c echo.Context) error {
	u, _ := p.user(c)
	if p.checkInKey.IsZero() {
		return p.fail(c, recert.Errorf(recert.ENOTFOUND, "check-in codes are not set up on this service"))
	}
	m, err := p.store.Member(ctxOf(c), u.MemberID)
	if err != nil {
		return p.fail(c, err)
	}
	v, err := p.store.CheckInTokenVersion(ctxOf(c), m.ID)
	if err != nil {
		return p.fail(c, err)
	}
	link := p.publicURL + "/app/c/" + p.checkInKey.SignCheckIn(m.ID, v)
	png, err := render.QRPNG(link, 6)
	if err != nil {
		return p.fail(c, err)
	}
	return p.render(c, http.StatusOK, "checkin-card", "Your check-in code", cardData{Name: m.Name, URL: link,
		QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))})
}

// reissueCheckInCard replaces the member's code, for a lost or shared one.
func (p *Pages) reissueCheckInCard(c echo.Context) error {
	u, _ := p.user(c)
	if _, err := p.desk.Reissue(ctxOf(c), u.MemberID); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/checkin-card?done=checkin-reissued")
}

type scanData struct {
	Event      recert.Event
	SessionID  string
	Direction  string
	Bound      bool
	Q          string
	Found      []recert.Member
	Result     *deskView
	CodeURL    string // the URL of the code being confirmed, on a confirm page
	AtTheDesk  bool   // shown to someone who is not a scanner
	NoSessions bool
	// Volunteer: the scanner is a volunteer, who sees names and check-in state only.
	Volunteer  bool
	Volunteers []recert.Volunteer // for the organizer
	Invited    string             // a new volunteer's link, shown once
}

// deskView is a scan's answer, as the scanner reads it at a glance.
type deskView struct {
	Outcome, Headline, Detail string
}

// scanPage lets an organizer bind this phone to a session and direction, and find people
// without their code by name.
func (p *Pages) scanPage(c echo.Context) error {
	ev, who, err := p.scanActor(c, c.Param("event_id"))
	if err != nil {
		return p.fail(c, err)
	}
	d, err := p.scanData(c, ev, who)
	if err != nil {
		return p.fail(c, err)
	}
	if q := strings.TrimSpace(c.QueryParam("q")); q != "" {
		d.Q = q
		d.Found, _, err = p.store.Members(ctxOf(c), recert.MemberFilter{Page: recert.Page{Limit: 20}, Text: q, Scope: recert.OrganizationsScope(ev.OrganizationID)})
		if err != nil {
			return p.fail(c, err)
		}
	}
	return p.render(c, http.StatusOK, "scan", "Check-in: "+ev.Title, d)
}

// scanData is the scan page for who: an organizer also manages the event's volunteers.
func (p *Pages) scanData(c echo.Context, ev recert.Event, who scanActor) (scanData, error) {
	d := scanData{Event: ev, NoSessions: len(ev.Sessions) == 0, Volunteer: who.Volunteer}
	d.SessionID, d.Direction, d.Bound = p.scanBinding(c, ev.ID)
	if who.Volunteer {
		return d, nil
	}
	var err error
	d.Volunteers, err = p.store.EventVolunteers(ctxOf(c), ev.ID)
	return d, err
}

// scanSetup binds the phone to the session and direction chosen.
func (p *Pages) scanSetup(c echo.Context) error {
	ev, _, err := p.scanActor(c, c.Param("event_id"))
	if err != nil {
		return p.fail(c, err)
	}
	s, ok := ev.SessionByRef(c.FormValue("session"))
	dir := c.FormValue("direction")
	if !ok || (dir != recert.CheckInDirectionIn && dir != recert.CheckInDirectionOut) {
		return p.fail(c, recert.Errorf(recert.EINVALID, "choose one of the event's sessions, and in or out"))
	}
	c.SetCookie(p.cookie(scanCookie, ev.ID+"."+s.ID+"."+dir, 24*3600))
	return c.Redirect(http.StatusSeeOther, "/app/events/"+ev.ID+"/scan")
}

// scanBinding is the session and direction this phone scans for at the event, if bound.
func (p *Pages) scanBinding(c echo.Context, eventID string) (sessionID, direction string, ok bool) {
	ck, err := c.Cookie(scanCookie)
	if err != nil {
		return "", "", false
	}
	parts := strings.Split(ck.Value, ".")
	if len(parts) != 3 || parts[0] != eventID {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// scanManual checks in a member found by name.
func (p *Pages) scanManual(c echo.Context) error {
	ev, who, err := p.scanActor(c, c.Param("event_id"))
	if err != nil {
		return p.fail(c, err)
	}
	sid, dir, ok := p.scanBinding(c, ev.ID)
	if !ok {
		return p.fail(c, recert.Errorf(recert.EINVALID, "choose the session to check people in to first"))
	}
	if _, err := p.store.Member(ctxOf(c), c.FormValue("member_id")); err != nil {
		return p.fail(c, err)
	}
	res, err := p.desk.Desk(ctxOf(c), ev.ID, sid, dir, "", c.FormValue("member_id"), who.ID)
	if err != nil {
		return p.fail(c, err)
	}
	d, err := p.scanData(c, ev, who)
	if err != nil {
		return p.fail(c, err)
	}
	d.Result = p.deskView(c, ev, res)
	return p.render(c, http.StatusOK, "scan", "Check-in: "+ev.Title, d)
}

// code is what a check-in code's URL opens. For a scanner bound to a session, a request
// straight from the camera (Sec-Fetch-Site: none) records the check-in; any other request
// (a link followed from a site, a preview, a script) only shows a button that confirms with a
// POST, so no GET a third party can cause changes anything. Anyone else sees no name: only
// that the code is shown at the desk.
func (p *Pages) code(c echo.Context) error {
	ev, who, sid, dir, ok := p.scanner(c)
	if !ok {
		return p.render(c, http.StatusOK, "scan", "Check-in code", scanData{AtTheDesk: true})
	}
	if c.Request().Header.Get("Sec-Fetch-Site") != "none" {
		return p.render(c, http.StatusOK, "scan", "Confirm the check-in", scanData{Event: ev, SessionID: sid, Direction: dir, Bound: true,
			Volunteer: who.Volunteer, CodeURL: "/app/c/" + url.PathEscape(c.Param("token"))})
	}
	return p.recordCode(c, ev, who, sid, dir)
}

// codeConfirm records the check-in of a code after the confirm button.
func (p *Pages) codeConfirm(c echo.Context) error {
	ev, who, sid, dir, ok := p.scanner(c)
	if !ok {
		return p.render(c, http.StatusOK, "scan", "Check-in code", scanData{AtTheDesk: true})
	}
	return p.recordCode(c, ev, who, sid, dir)
}

func (p *Pages) recordCode(c echo.Context, ev recert.Event, who scanActor, sid, dir string) error {
	res, err := p.desk.Desk(ctxOf(c), ev.ID, sid, dir, c.Param("token"), "", who.ID)
	if err != nil {
		return p.fail(c, err)
	}
	d, err := p.scanData(c, ev, who)
	if err != nil {
		return p.fail(c, err)
	}
	d.Result = p.deskView(c, ev, res)
	return p.render(c, http.StatusOK, "scan", "Check-in", d)
}

// scanner is the event, the scanner, and the session and direction this phone is bound to.
func (p *Pages) scanner(c echo.Context) (recert.Event, scanActor, string, string, bool) {
	ck, err := c.Cookie(scanCookie)
	if err != nil {
		return recert.Event{}, scanActor{}, "", "", false
	}
	eventID, _, _ := strings.Cut(ck.Value, ".")
	ev, who, err := p.scanActor(c, eventID)
	if err != nil {
		return recert.Event{}, scanActor{}, "", "", false
	}
	sid, dir, ok := p.scanBinding(c, ev.ID)
	return ev, who, sid, dir, ok
}

// scanActor is who may take an event's check-ins: an organizer of it (or an administrator),
// or a volunteer invited to it. Anyone else, and a volunteer at another event, is not found.
type scanActor struct {
	ID        string // a user's id, or a volunteer's
	Volunteer bool
}

func (p *Pages) scanActor(c echo.Context, eventID string) (recert.Event, scanActor, error) {
	if u, ok := p.user(c); ok && (u.Role == recert.RoleOrganizer || u.Role == recert.RoleAdmin) {
		ev, _, err := p.managed(c, eventID)
		return ev, scanActor{ID: u.ID}, err
	}
	if ck, err := c.Cookie(volunteerCookie); err == nil && ck.Value != "" {
		v, err := p.store.VolunteerBySession(ctxOf(c), auth.HashSecret(ck.Value))
		if err == nil && v.EventID == eventID {
			ev, err := p.store.Event(ctxOf(c), eventID)
			return ev, scanActor{ID: v.ID, Volunteer: true}, err
		}
	}
	return recert.Event{}, scanActor{}, recert.Errorf(recert.ENOTFOUND, "no such event")
}

// deskView words a desk answer: who and where on green, when and by whom it was first
// recorded on red, why on yellow.
func (p *Pages) deskView(c echo.Context, ev recert.Event, r ledger.DeskResult) *deskView {
	what := "Checked in"
	if r.CheckIn != nil && r.CheckIn.Direction == recert.CheckInDirectionOut {
		what = "Checked out"
	}
	switch r.Outcome {
	case ledger.DeskGreen:
		return &deskView{Outcome: r.Outcome, Headline: what + ": " + r.Member.Name + ", " + r.Session.Code}
	case ledger.DeskRed:
		loc, err := time.LoadLocation(ev.TimeZone)
		if err != nil {
			loc = time.UTC
		}
		by := p.recorder(c, ev, r.CheckIn.RecordedBy)
		return &deskView{Outcome: r.Outcome, Headline: "Already " + strings.ToLower(what) + ": " + r.Member.Name + ", " + r.Session.Code,
			Detail: "at " + r.CheckIn.ReceivedAt.In(loc).Format("15:04") + " by " + by}
	}
	v := &deskView{Outcome: ledger.DeskYellow, Headline: "Not checked in", Detail: r.Detail}
	if r.Member.Name != "" {
		v.Headline = "Not checked in: " + r.Member.Name
	}
	return v
}

// recorder names who recorded a check-in: a user, or a volunteer of the event.
func (p *Pages) recorder(c echo.Context, ev recert.Event, id string) string {
	if strings.HasPrefix(id, recert.PrefixVolunteer+"_") {
		vs, _ := p.store.EventVolunteers(ctxOf(c), ev.ID)
		for _, v := range vs {
			if v.ID == id {
				return v.Name + " (volunteer)"
			}
		}
	}
	if u, err := p.store.User(ctxOf(c), id); err == nil {
		return u.Name
	}
	return "staff"
}
