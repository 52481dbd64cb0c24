package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

type profileData struct {
	Member   recert.Member
	Calendar string // the secret calendar address, when just made
	// The form as typed, kept when it is sent back with an error.
	Name, ABCPID, Cycle, Certified string
}

// profile shows the member's record: what they may change (name; ABCP ID, cycle and
// certification date while none is on record) and what they may not, and who can.
func (p *Pages) profile(c echo.Context) error {
	u, _ := p.user(c)
	m, err := p.store.Member(ctxOf(c), u.MemberID)
	if err != nil {
		return p.fail(c, err)
	}
	return p.render(c, http.StatusOK, "profile", "Your profile", profileForm(m))
}

func profileForm(m recert.Member) profileData {
	d := profileData{Member: m, Name: m.Name, ABCPID: m.ABCPID}
	if m.ABCPCycle != 0 {
		d.Cycle = strconv.Itoa(m.ABCPCycle)
	}
	if !m.CertificationDate.IsZero() {
		d.Certified = m.CertificationDate.String()
	}
	return d
}

// saveProfile changes the record through the same use case as the API's member update, so
// the same rules say what a member may set.
func (p *Pages) saveProfile(c echo.Context) error {
	u, _ := p.user(c)
	ctx := ctxOf(c)
	m, err := p.store.Member(ctx, u.MemberID)
	if err != nil {
		return p.fail(c, err)
	}
	d := profileData{Member: m, Name: strings.TrimSpace(c.FormValue("name")), ABCPID: strings.TrimSpace(c.FormValue("abcp_id")),
		Cycle: c.FormValue("abcp_cycle"), Certified: c.FormValue("certification_date")}
	change, err := d.change(m)
	if err == nil {
		version, _ := strconv.Atoi(c.FormValue("version"))
		principal := recert.Principal{Subject: u.ID, Role: u.Role, MemberID: u.MemberID}
		_, _, err = p.memberRecords.Update(ctx, principal, m.ID, version, change)
	}
	if err != nil {
		return p.redo(c, err, "profile", "Your profile", d)
	}
	return c.Redirect(http.StatusSeeOther, "/app/profile?done=profile-saved")
}

// change is what the form changes of m: only the fields that differ.
func (d profileData) change(m recert.Member) (recert.MemberChange, error) {
	var c recert.MemberChange
	if d.Name != m.Name {
		if d.Name == "" || len([]rune(d.Name)) > 200 {
			return c, ledger.FieldError("#/name", "give your name, at most 200 characters")
		}
		c.Name = &d.Name
	}
	if d.ABCPID != m.ABCPID && d.ABCPID != "" {
		if !recert.ValidABCPID(d.ABCPID) {
			return c, ledger.FieldError("#/abcp_id", "six digits, as on your ABCP certificate")
		}
		c.ABCPID = &d.ABCPID
	}
	if d.Cycle != "" && d.Cycle != strconv.Itoa(m.ABCPCycle) {
		n, err := formCycle(d.Cycle)
		if err != nil {
			return c, err
		}
		c.ABCPCycle = &n
	}
	if d.Certified != "" && d.Certified != m.CertificationDate.String() {
		day, err := formDay(d.Certified, "#/certification_date")
		if err != nil {
			return c, err
		}
		c.CertificationDate = &day
	}
	return c, nil
}

// formCycle reads an ABCP cycle from a form: 1, 2 or 3.
func formCycle(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 3 {
		return 0, ledger.FieldError("#/abcp_cycle", "1, 2 or 3")
	}
	return n, nil
}

// formDay reads a date field of a form.
func formDay(s, pointer string) (recert.Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return recert.Date{}, ledger.FieldError(pointer, "a date such as 2024-07-01")
	}
	return recert.DateOf(t), nil
}

// calendarAddress makes the member a new secret calendar address of their deadlines and
// shows it; the one before stops working.
func (p *Pages) calendarAddress(c echo.Context) error {
	u, _ := p.user(c)
	ctx := ctxOf(c)
	m, err := p.store.Member(ctx, u.MemberID)
	if err != nil {
		return p.fail(c, err)
	}
	secret, err := p.registry.RotateCalendarFeed(ctx, u.MemberID)
	if err != nil {
		return p.fail(c, err)
	}
	d := profileForm(m)
	d.Calendar = p.publicURL + "/v1/calendars/" + secret
	return p.render(c, http.StatusOK, "profile", "Your profile", d)
}
