package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

type adminMemberData struct {
	Member       recert.Member
	Cards        []card
	Credits      int
	CreditsTotal string
	// The form as typed, kept when it is sent back with an error.
	Name, Email, ABCPID, Cycle, Certified, Tracking, Status string
	Invited                                                 string // where the invitation went
	// Licences are the licence rows, as on record or as typed.
	Licences []licenceRow
	// Login is the member's login, when they have one (for sign-out everywhere).
	Login *recert.User
	// History is the record's changes, newest first.
	History []historyLine
	// Effect is what the typed change would do to the member's progress, shown before
	// saving; Confirm asks the administrator to save it as it is.
	Effect  []ledger.Change
	Confirm bool
}

// historyLine is one change to the record, in words.
type historyLine struct {
	At, By  string
	Changes []string
}

// adminMember is an administrator's page of one member: the record, editable; progress as
// the member sees it; credits; the invitation.
func (p *Pages) adminMember(c echo.Context) error {
	d, err := p.adminMemberData(c, c.Param("member_id"))
	if err != nil {
		return p.fail(c, err)
	}
	return p.render(c, http.StatusOK, "member", d.Member.Name, d)
}

func (p *Pages) adminMemberData(c echo.Context, id string) (adminMemberData, error) {
	ctx := ctxOf(c)
	m, err := p.store.Member(ctx, id)
	if err != nil {
		return adminMemberData{}, err
	}
	d := adminMemberData{Member: m, Name: m.Name, Email: m.Email, ABCPID: m.ABCPID, Status: m.Status, Licences: withBlankRow(licenceRows(m.Licenses))}
	if m.ABCPCycle != 0 {
		d.Cycle = strconv.Itoa(m.ABCPCycle)
	}
	if !m.CertificationDate.IsZero() {
		d.Certified = m.CertificationDate.String()
	}
	if !m.TrackingSince.IsZero() {
		d.Tracking = m.TrackingSince.String()
	}
	res, err := p.progress.Evaluate(ctx, ledger.Query{MemberID: id, Scope: recert.AllOrganizations()})
	if err != nil {
		return d, err
	}
	d.Cards = p.cards(res)
	credits, err := p.store.Credits(ctx, recert.CreditFilter{MemberID: id, Scope: recert.AllOrganizations()})
	if err != nil {
		return d, err
	}
	var total recert.Units
	for _, cr := range credits {
		total += cr.CEUs
	}
	d.Credits, d.CreditsTotal = len(credits), total.String()
	if login, ok, err := p.store.MemberLogin(ctx, id); err != nil {
		return d, err
	} else if ok {
		d.Login = &login
	}
	d.History, err = p.historyOf(c, id)
	return d, err
}

// historyOf is the record's last 50 changes in words, each by the name of who made it.
func (p *Pages) historyOf(c echo.Context, memberID string) ([]historyLine, error) {
	ctx := ctxOf(c)
	changes, err := p.store.MemberHistory(ctx, memberID, 50)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	out := make([]historyLine, len(changes))
	for i, ch := range changes {
		if _, ok := names[ch.By]; !ok {
			names[ch.By] = ch.By
			if u, err := p.store.User(ctx, ch.By); err == nil {
				names[ch.By] = u.Name
			}
		}
		out[i] = historyLine{At: ch.At.UTC().Format("2 January 2006, 15:04 UTC"), By: names[ch.By]}
		for _, f := range ch.Fields {
			out[i].Changes = append(out[i].Changes, fieldChangeWords(f))
		}
	}
	return out, nil
}

// recordFields are the words for a member record's fields.
var recordFields = map[string]string{
	"name": "Name", "email": "E-mail", "abcp_id": "ABCP ID", "abcp_cycle": "ABCP cycle",
	"certification_date": "First certified", "birth_month": "Birth month", "society_class": "Society class",
	"status": "Status", "tracking_since": "Record starts", "licenses": "Licences",
}

func fieldChangeWords(f recert.FieldChange) string {
	name := recordFields[f.Field]
	switch {
	case f.From == "":
		return name + " set to " + f.To
	case f.To == "":
		return name + " cleared (was " + f.From + ")"
	}
	return name + " changed from " + f.From + " to " + f.To
}

// saveAdminMember changes the record as an administrator, through the API's member use case.
// A change that moves the member's periods (where the record starts, the ABCP cycle, the
// certification date) first shows what it does to their progress, and is saved when the
// administrator confirms it.
func (p *Pages) saveAdminMember(c echo.Context) error {
	u, _ := p.user(c)
	d, err := p.adminMemberData(c, c.Param("member_id"))
	if err != nil {
		return p.fail(c, err)
	}
	d.Name, d.Email, d.ABCPID = strings.TrimSpace(c.FormValue("name")), strings.TrimSpace(c.FormValue("email")), strings.TrimSpace(c.FormValue("abcp_id"))
	d.Cycle, d.Certified, d.Tracking, d.Status = c.FormValue("abcp_cycle"), c.FormValue("certification_date"), c.FormValue("tracking_since"), c.FormValue("status")
	if d.Licences, err = formLicences(c); err != nil {
		return p.fail(c, err)
	}
	change, err := d.change()
	d.Licences = withBlankRow(d.Licences)
	if err == nil && movesPeriods(change) && c.FormValue("confirm") != "1" {
		if d.Effect, err = p.progress.ChangeEffect(ctxOf(c), d.Member.ID, change); err == nil && len(d.Effect) > 0 {
			d.Confirm = true
			return p.render(c, http.StatusOK, "member", d.Member.Name, d)
		}
	}
	if err == nil {
		version, _ := strconv.Atoi(c.FormValue("version"))
		_, _, err = p.memberRecords.Update(ctxOf(c), recert.Principal{Subject: u.ID, Role: u.Role}, d.Member.ID, version, change)
	}
	if err != nil {
		if onForm(c, err) {
			return p.render(c, http.StatusBadRequest, "member", d.Member.Name, d)
		}
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/members/"+d.Member.ID+"?done=member-saved")
}

// movesPeriods reports whether a change can change which of the member's periods count.
func movesPeriods(c recert.MemberChange) bool {
	return c.TrackingSince != nil || c.ABCPCycle != nil || c.CertificationDate != nil
}

// change is what the administrator's form changes of the record; it reports every field's
// problem at once.
func (d adminMemberData) change() (recert.MemberChange, error) {
	m := d.Member
	var c recert.MemberChange
	var ps ledger.Problems
	set := func(typed, had string, to **string) {
		if typed != had {
			*to = &typed
		}
	}
	if d.Name == "" {
		ps.Add("#/name", "give the member's name")
	}
	set(d.Name, m.Name, &c.Name)
	set(d.Email, m.Email, &c.Email)
	if d.Email != "" && recert.EmailProblem(d.Email) != "" {
		ps.Add("#/email", "an e-mail address such as renee@example.org")
	}
	set(d.ABCPID, m.ABCPID, &c.ABCPID)
	if d.ABCPID != "" && !recert.ValidABCPID(d.ABCPID) {
		ps.Add("#/abcp_id", "six digits")
	}
	if d.Status != m.Status {
		if !slices.Contains([]string{"active", "inactive", "retired", "deceased"}, d.Status) {
			ps.Add("#/status", "active, inactive, retired or deceased")
		}
		c.Status = &d.Status
	}
	if d.Cycle != strconv.Itoa(m.ABCPCycle) && !(d.Cycle == "" && m.ABCPCycle == 0) {
		n, err := formCycle(d.Cycle)
		ps.Merge(err)
		c.ABCPCycle = &n
	}
	for _, f := range []struct {
		typed, pointer string
		had            recert.Date
		to             **recert.Date
	}{{d.Certified, "#/certification_date", m.CertificationDate, &c.CertificationDate}, {d.Tracking, "#/tracking_since", m.TrackingSince, &c.TrackingSince}} {
		if f.typed == "" || f.had.String() == f.typed {
			continue
		}
		day, err := formDay(f.typed, f.pointer)
		ps.Merge(err)
		*f.to = &day
	}
	if licences := readLicences(d.Licences, &ps); !slices.Equal(licences, m.Licenses) {
		c.Licenses = &licences
	}
	return c, ps.Err()
}

// signOutMember ends every sign-in of the member's login, through the registry's use case.
func (p *Pages) signOutMember(c echo.Context) error {
	u, _ := p.user(c)
	d, err := p.adminMemberData(c, c.Param("member_id"))
	if err != nil {
		return p.fail(c, err)
	}
	if d.Login == nil {
		return p.fail(c, recert.Errorf(recert.ENOTFOUND, "this member has no login"))
	}
	if err := p.registry.SignOutEverywhere(ctxOf(c), d.Login.ID, u.ID); err != nil {
		return p.fail(c, err)
	}
	c.Set(flashKey, "Every sign-in of "+d.Member.Name+" is ended, on every device.")
	return p.render(c, http.StatusOK, "member", d.Member.Name, d)
}

// replaceMemberCode revokes a member's check-in code (a lost badge): the old code scans
// yellow, everyone else's keeps working.
func (p *Pages) replaceMemberCode(c echo.Context) error {
	d, err := p.adminMemberData(c, c.Param("member_id"))
	if err != nil {
		return p.fail(c, err)
	}
	if _, err := p.desk.Reissue(ctxOf(c), d.Member.ID); err != nil {
		return p.fail(c, err)
	}
	c.Set(flashKey, d.Member.Name+"'s check-in code is replaced: the old one scans yellow from now on.")
	return p.render(c, http.StatusOK, "member", d.Member.Name, d)
}

// inviteMember sends (or sends again) the claim invitation to the member's address on
// record, through the API's use case.
func (p *Pages) inviteMember(c echo.Context) error {
	u, _ := p.user(c)
	id := c.Param("member_id")
	email, _, err := p.memberRecords.Invite(ctxOf(c), recert.Principal{Subject: u.ID, Role: u.Role}, id, nil, ledger.ClaimTTL)
	if err != nil {
		if !onForm(c, err) {
			return p.fail(c, err)
		}
		d, derr := p.adminMemberData(c, id)
		if derr != nil {
			return p.fail(c, derr)
		}
		return p.render(c, http.StatusBadRequest, "member", d.Member.Name, d)
	}
	d, err := p.adminMemberData(c, id)
	if err != nil {
		return p.fail(c, err)
	}
	d.Invited = email
	return p.render(c, http.StatusOK, "member", d.Member.Name, d)
}
