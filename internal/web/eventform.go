package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// eventForm is the event editor: what was entered, as entered, so a refused form comes back
// as it was sent.
type eventForm struct {
	ID, Status, Version                                   string
	Title, OrganizationID, Format, TimeZone, Start, End   string
	Category, ApprovalRef, ApprovedBy, Location, Describe string
	EmailCertificates                                     bool
	// The check-in rules: Policy is "" (check-ins are not credit), share_of_scheduled or
	// minutes_present; Share the percentage; SelfCheckInOff, RegistrationRequired as stored.
	Policy, Share                        string
	SelfCheckInOff, RegistrationRequired bool
	// TimesSent: the form sent the sessions' times (a page from before it showed them did not).
	TimesSent           bool
	Sessions            []sessionForm
	Orgs                []recert.Organization // to choose from
	Formats, Categories []string
	Zones               []zone
}

type sessionForm struct {
	N                                     int // its row, from 1
	ID, Code, Title, Date, CEUs, Category string
	Start, End                            string // HH:MM, as the browser's time input sends it
}

// blankSessions is how many empty session rows the editor offers.
const blankSessions = 3

func formOf(ev recert.Event) eventForm {
	f := eventForm{ID: ev.ID, Status: ev.Status, Version: strconv.Itoa(ev.Version), Title: ev.Title, OrganizationID: ev.OrganizationID,
		Format: ev.Format, TimeZone: ev.TimeZone, Start: ev.StartDate.String(), End: ev.EndDate.String(), Category: ev.Category,
		ApprovalRef: ev.ApprovalRef, ApprovedBy: strings.Join(ev.ApprovedBy, ", "), Location: ev.Location, Describe: ev.Description,
		EmailCertificates: ev.EmailCertificates, Policy: string(ev.CheckIn.Policy),
		SelfCheckInOff: ev.CheckIn.SelfCheckInOff, RegistrationRequired: ev.CheckIn.RegistrationRequired}
	if ev.CheckIn.SharePercent > 0 {
		f.Share = strconv.Itoa(ev.CheckIn.SharePercent)
	}
	for _, s := range ev.Sessions {
		f.Sessions = append(f.Sessions, sessionForm{ID: s.ID, Code: s.Code, Title: s.Title, Date: s.Date.String(), CEUs: s.CEUs.String(), Category: s.Category,
			Start: s.StartTime, End: s.EndTime})
	}
	return f
}

// newEvent shows an empty event editor, its time zone that of the organizations' latest
// event (their usual one), or Central time for an organization without one.
func (p *Pages) newEvent(c echo.Context) error {
	u, _ := p.user(c)
	zone := "America/Chicago"
	latest, _, err := p.store.Events(ctxOf(c), recert.EventFilter{Page: recert.Page{Limit: 1}, Scope: u.Scope(), NewestFirst: true})
	if err != nil {
		return p.fail(c, err)
	}
	if len(latest) == 1 && latest[0].TimeZone != "" {
		zone = latest[0].TimeZone
	}
	return p.eventEditor(c, http.StatusOK, eventForm{Format: "in_person", TimeZone: zone})
}

// eventEditor renders the editor with its organizations to choose from and blank session rows.
func (p *Pages) eventEditor(c echo.Context, status int, f eventForm) error {
	u, _ := p.user(c)
	if f.ID == "" {
		scope := u.Scope()
		if scope.None() {
			return p.fail(c, recert.Errorf(recert.EFORBIDDEN, "no organization to create events for"))
		}
		orgs, _, err := p.store.Organizations(ctxOf(c), recert.Page{Limit: 200}, scope)
		if err != nil {
			return p.fail(c, err)
		}
		f.Orgs = orgs
	}
	for range blankSessions {
		f.Sessions = append(f.Sessions, sessionForm{})
	}
	f.Formats, f.Categories, f.Zones = ledger.EventFormats, []string{"I", "II", "III"}, zoneChoices(f.TimeZone)
	for i := range f.Sessions {
		f.Sessions[i].N = i + 1
	}
	title := "New event"
	if f.ID != "" {
		title = "Edit " + f.Title
	}
	return p.render(c, status, "event-form", title, f)
}

// createEvent creates a draft event from the editor, as the API's CreateEvent does.
func (p *Pages) createEvent(c echo.Context) error {
	u, _ := p.user(c)
	f, ev, err := readEventForm(c)
	if !u.Scope().Sees(f.OrganizationID) {
		var p ledger.Problems
		p.Add("#/organization_id", "choose one of your organizations")
		p.Merge(err)
		err = p.Err()
	}
	if err == nil {
		ev, err = p.evs.Create(ctxOf(c), f.OrganizationID, ev, u.ID)
	}
	if err != nil {
		return p.refused(c, err, func() error { return p.eventEditor(c, http.StatusBadRequest, f) })
	}
	return c.Redirect(http.StatusSeeOther, "/app/events/"+ev.ID+"?done=created")
}

// editEvent shows the editor of an event the user organizes.
func (p *Pages) editEvent(c echo.Context) error {
	ev, _, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	return p.eventEditor(c, http.StatusOK, formOf(ev))
}

// updateEvent saves the editor, as the API's UpdateEvent does, refusing a change made
// meanwhile by someone else.
func (p *Pages) updateEvent(c echo.Context) error {
	was, u, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	f, ev, err := readEventForm(c)
	f.ID, f.Status, f.OrganizationID = was.ID, was.Status, was.OrganizationID
	if err == nil {
		keepUnshown(was, &ev, f.TimesSent)
		version, _ := strconv.Atoi(f.Version)
		_, err = p.evs.Update(ctxOf(c), was.ID, max(version, 1), ev, u.ID)
	}
	if err != nil {
		return p.refused(c, err, func() error { return p.eventEditor(c, http.StatusBadRequest, f) })
	}
	return c.Redirect(http.StatusSeeOther, "/app/events/"+was.ID+"?done=saved")
}

// keepUnshown carries over what the editor does not show (set through the API), since an
// update replaces the whole event: its web address, and each kept session's topics,
// approvers and check-in window, and their times when the form did not send them.
func keepUnshown(was recert.Event, ev *recert.Event, timesSent bool) {
	ev.URL = was.URL
	byID := map[string]recert.Session{}
	for _, s := range was.Sessions {
		byID[s.ID] = s
	}
	for i, s := range ev.Sessions {
		if old, ok := byID[s.ID]; ok && s.ID != "" {
			if !timesSent {
				ev.Sessions[i].StartTime, ev.Sessions[i].EndTime = old.StartTime, old.EndTime
			}
			ev.Sessions[i].Topics, ev.Sessions[i].ApprovedBy = old.Topics, old.ApprovedBy
			ev.Sessions[i].CheckInFrom, ev.Sessions[i].CheckInUntil = old.CheckInFrom, old.CheckInUntil
		}
	}
}

// publishEvent puts a draft in the catalogue and opens it to attendance.
func (p *Pages) publishEvent(c echo.Context) error {
	ev, u, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	if _, err := p.evs.SetStatus(ctxOf(c), ev.ID, recert.EventPublished, u.ID); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/events/"+ev.ID+"?done=published")
}

// refused shows what people may correct on the form again (again renders it); anything else
// is the error page.
func (p *Pages) refused(c echo.Context, err error, again func() error) error {
	if onForm(c, err) {
		return again()
	}
	return p.fail(c, err)
}

// readEventForm reads the editor into the event it describes; what cannot be read is an
// EINVALID error naming the field. Empty session rows are left out.
func readEventForm(c echo.Context) (eventForm, recert.Event, error) {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	f := eventForm{Version: v("version"), Title: v("title"), OrganizationID: v("organization_id"), Format: v("format"),
		TimeZone: v("time_zone"), Start: v("start_date"), End: v("end_date"), Category: v("category"),
		ApprovalRef: v("approval_ref"), ApprovedBy: v("approved_by"), Location: v("location"), Describe: v("description"),
		EmailCertificates: v("email_certificates") == "on", Policy: v("presence_policy"), Share: v("presence_share_percent"),
		SelfCheckInOff: v("self_check_in") != "on", RegistrationRequired: v("registration_required") == "on"}
	form, _ := c.FormParams()
	_, f.TimesSent = form["s_start"]
	col := func(name string, i int) string {
		if vs := form[name]; i < len(vs) {
			return strings.TrimSpace(vs[i])
		}
		return ""
	}
	for i := range min(len(form["s_title"]), 250) {
		s := sessionForm{ID: col("s_id", i), Code: col("s_code", i), Title: col("s_title", i), Date: col("s_date", i),
			CEUs: col("s_ceus", i), Category: col("s_category", i), Start: col("s_start", i), End: col("s_end", i)}
		if s.ID == "" && s.Code == "" && s.Title == "" && s.CEUs == "" {
			continue
		}
		f.Sessions = append(f.Sessions, s)
	}
	ev := recert.Event{Title: f.Title, Format: f.Format, TimeZone: f.TimeZone, Category: f.Category, ApprovalRef: f.ApprovalRef,
		Location: f.Location, Description: f.Describe, EmailCertificates: f.EmailCertificates,
		CheckIn: recert.CheckInRules{Policy: recert.PresencePolicy(f.Policy), SelfCheckInOff: f.SelfCheckInOff, RegistrationRequired: f.RegistrationRequired}}
	var p ledger.Problems
	var err error
	if f.Share != "" {
		if ev.CheckIn.SharePercent, err = strconv.Atoi(f.Share); err != nil {
			p.Add("#/check_in", "give the share as a whole percentage, such as 80")
		}
	}
	if ev.StartDate, err = recert.ParseDate(f.Start); err != nil {
		p.Add("#/start_date", "give the first day, as YYYY-MM-DD")
	}
	if ev.EndDate = ev.StartDate; f.End != "" {
		if ev.EndDate, err = recert.ParseDate(f.End); err != nil {
			p.Add("#/end_date", "give the last day, as YYYY-MM-DD")
		}
	}
	for _, a := range strings.Split(f.ApprovedBy, ",") {
		if a = strings.TrimSpace(a); a == "" {
			continue
		} else if !recert.ValidApproverCode(a) || len(ev.ApprovedBy) == 10 {
			p.Add("#/approved_by", "up to 10 approver codes such as us-nj-pac, separated by commas")
			break
		}
		ev.ApprovedBy = append(ev.ApprovedBy, a)
	}
	for i, s := range f.Sessions {
		at := "#/sessions/" + strconv.Itoa(i) + "/"
		d := ev.StartDate
		if s.Date != "" {
			if d, err = recert.ParseDate(s.Date); err != nil {
				p.Add(at+"date", "give the session's day, as YYYY-MM-DD")
			}
		}
		if s.Code != "" && !recert.ValidSessionCode(s.Code) {
			p.Add(at+"code", "up to 16 letters, digits, dots, dashes or underscores, such as Tue-AM")
		}
		for _, t := range []struct{ field, value string }{{"start_time", s.Start}, {"end_time", s.End}} {
			if _, err := time.Parse("15:04", t.value); t.value != "" && (err != nil || len(t.value) != 5) {
				p.Add(at+t.field, "give the time as HH:MM, such as 08:30")
			}
		}
		ceus, _ := recert.ParseUnits(s.CEUs) // an amount that does not read is zero, which is refused
		ev.Sessions = append(ev.Sessions, recert.Session{ID: s.ID, Code: s.Code, Title: s.Title, Date: d, CEUs: ceus, Category: s.Category,
			StartTime: s.Start, EndTime: s.End})
	}
	if len(p) > 0 {
		// What did read is checked too, so every problem of the form shows at once.
		check := ev
		check.Sessions = slices.Clone(ev.Sessions)
		p.Merge(ledger.CheckEvent(&check))
	}
	return f, ev, p.Err()
}
