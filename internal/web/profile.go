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

type profileData struct {
	Member   recert.Member
	Calendar string // the secret calendar address, when just made
	// The form as typed, kept when it is sent back with an error.
	Name, ABCPID, Cycle, Certified, BirthMonth string
	NewEmail                                   string // the e-mail change form, as typed
	Licences                                   []licenceRow
	Months                                     []string
	Apps                                       []connectedApp // the apps the member approved
}

// licenceRow is one row of the licences table as typed; N numbers it from 1, as the page does.
type licenceRow struct {
	N                              int
	State, Number, Issued, Expires string
}

// profile shows the member's record: what they may change (name, licences, birth month;
// ABCP ID, cycle and certification date while none is on record) and what they may not,
// and who can.
func (p *Pages) profile(c echo.Context) error {
	u, _ := p.user(c)
	m, err := p.store.Member(ctxOf(c), u.MemberID)
	if err != nil {
		return p.fail(c, err)
	}
	d := profileForm(m)
	if d.Apps, err = p.connectedApps(c, u.ID); err != nil {
		return p.fail(c, err)
	}
	return p.render(c, http.StatusOK, "profile", "Your profile", d)
}

func profileForm(m recert.Member) profileData {
	d := profileData{Member: m, Name: m.Name, ABCPID: m.ABCPID, Months: months}
	if m.ABCPCycle != 0 {
		d.Cycle = strconv.Itoa(m.ABCPCycle)
	}
	if !m.CertificationDate.IsZero() {
		d.Certified = m.CertificationDate.String()
	}
	if m.BirthMonth != 0 {
		d.BirthMonth = strconv.Itoa(m.BirthMonth)
	}
	d.Licences = withBlankRow(licenceRows(m.Licenses))
	return d
}

var months = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

func dayText(d recert.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
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
		Cycle: c.FormValue("abcp_cycle"), Certified: c.FormValue("certification_date"), BirthMonth: c.FormValue("birth_month"), Months: months}
	if d.Licences, err = formLicences(c); err != nil {
		return p.fail(c, err)
	}
	change, err := d.change(m)
	if err == nil {
		version, _ := strconv.Atoi(c.FormValue("version"))
		principal := recert.Principal{Subject: u.ID, Role: u.Role, MemberID: u.MemberID}
		_, _, err = p.memberRecords.Update(ctx, principal, m.ID, version, change)
	}
	if err != nil {
		d.Licences = withBlankRow(d.Licences)
		return p.redo(c, err, "profile", "Your profile", d)
	}
	return c.Redirect(http.StatusSeeOther, "/app/profile?done=profile-saved")
}

func at(vs []string, i int) string {
	if i < len(vs) {
		return vs[i]
	}
	return ""
}

// change is what the form changes of m: only the fields that differ. It reports every
// field's problem at once.
func (d profileData) change(m recert.Member) (recert.MemberChange, error) {
	var c recert.MemberChange
	var ps ledger.Problems
	if d.Name != m.Name {
		if d.Name == "" || len([]rune(d.Name)) > 200 {
			ps.Add("#/name", "give your name, at most 200 characters")
		}
		c.Name = &d.Name
	}
	if d.ABCPID != m.ABCPID && d.ABCPID != "" {
		if !recert.ValidABCPID(d.ABCPID) {
			ps.Add("#/abcp_id", "six digits, as on your ABCP certificate")
		}
		c.ABCPID = &d.ABCPID
	}
	if d.Cycle != "" && d.Cycle != strconv.Itoa(m.ABCPCycle) {
		n, err := formCycle(d.Cycle)
		ps.Merge(err)
		c.ABCPCycle = &n
	}
	if d.Certified != "" && d.Certified != m.CertificationDate.String() {
		day, err := formDay(d.Certified, "#/certification_date")
		ps.Merge(err)
		c.CertificationDate = &day
	}
	if d.BirthMonth != "" && d.BirthMonth != strconv.Itoa(m.BirthMonth) {
		n, err := strconv.Atoi(d.BirthMonth)
		if err != nil || n < 1 || n > 12 {
			ps.Add("#/birth_month", "choose a month")
		}
		c.BirthMonth = &n
	}
	licences := readLicences(d.Licences, &ps)
	if !slices.Equal(licences, m.Licenses) {
		c.Licenses = &licences
	}
	return c, ps.Err()
}

// formLicences are the licence rows the form sent, the empty ones left out.
func formLicences(c echo.Context) ([]licenceRow, error) {
	if err := c.Request().ParseForm(); err != nil {
		return nil, recert.Errorf(recert.EINVALID, "the form could not be read")
	}
	form := c.Request().PostForm
	var out []licenceRow
	for i, st := range form["l_state"] {
		r := licenceRow{State: strings.ToUpper(strings.TrimSpace(st)), Number: strings.TrimSpace(at(form["l_number"], i)),
			Issued: at(form["l_issued"], i), Expires: at(form["l_expires"], i)}
		if r != (licenceRow{}) {
			out = append(out, r)
		}
	}
	return out, nil
}

// licenceRows are a record's licences as the form's rows.
func licenceRows(ls []recert.License) []licenceRow {
	var out []licenceRow
	for _, l := range ls {
		out = append(out, licenceRow{State: l.State, Number: l.Number, Issued: dayText(l.IssuedOn), Expires: dayText(l.ExpiresOn)})
	}
	return out
}

// withBlankRow numbers the licence rows and adds an empty one to enter a new licence in.
func withBlankRow(rows []licenceRow) []licenceRow {
	rows = append(rows, licenceRow{})
	for i := range rows {
		rows[i].N = i + 1
	}
	return rows
}

// readLicences reads the licence rows, adding each row's problems to ps.
func readLicences(rows []licenceRow, ps *ledger.Problems) []recert.License {
	out := []recert.License{}
	for i, r := range rows {
		at := "#/licenses/" + strconv.Itoa(i) + "/"
		l := recert.License{State: r.State, Number: r.Number}
		if len(r.State) != 2 || strings.Trim(r.State, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			ps.Add(at+"state", "the state's two letters, such as WI")
		}
		if r.Number == "" || len([]rune(r.Number)) > 40 {
			ps.Add(at+"number", "the licence number, at most 40 characters")
		}
		var err error
		if r.Issued != "" {
			l.IssuedOn, err = formDay(r.Issued, at+"issued_on")
			ps.Merge(err)
		}
		if r.Expires != "" {
			l.ExpiresOn, err = formDay(r.Expires, at+"expires_on")
			ps.Merge(err)
		}
		out = append(out, l)
	}
	return out
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
