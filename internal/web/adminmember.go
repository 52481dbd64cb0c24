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
	d := adminMemberData{Member: m, Name: m.Name, Email: m.Email, ABCPID: m.ABCPID, Status: m.Status}
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
	return d, nil
}

// saveAdminMember changes the record as an administrator, through the API's member use case.
func (p *Pages) saveAdminMember(c echo.Context) error {
	u, _ := p.user(c)
	d, err := p.adminMemberData(c, c.Param("member_id"))
	if err != nil {
		return p.fail(c, err)
	}
	d.Name, d.Email, d.ABCPID = strings.TrimSpace(c.FormValue("name")), strings.TrimSpace(c.FormValue("email")), strings.TrimSpace(c.FormValue("abcp_id"))
	d.Cycle, d.Certified, d.Tracking, d.Status = c.FormValue("abcp_cycle"), c.FormValue("certification_date"), c.FormValue("tracking_since"), c.FormValue("status")
	change, err := d.change()
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

// change is what the administrator's form changes of the record.
func (d adminMemberData) change() (recert.MemberChange, error) {
	m := d.Member
	var c recert.MemberChange
	set := func(typed, had string, to **string) {
		if typed != had {
			*to = &typed
		}
	}
	if d.Name == "" {
		return c, ledger.FieldError("#/name", "give the member's name")
	}
	set(d.Name, m.Name, &c.Name)
	set(d.Email, m.Email, &c.Email)
	set(d.ABCPID, m.ABCPID, &c.ABCPID)
	if d.ABCPID != "" && !recert.ValidABCPID(d.ABCPID) {
		return c, ledger.FieldError("#/abcp_id", "six digits")
	}
	if d.Status != m.Status {
		if !slices.Contains([]string{"active", "inactive", "retired", "deceased"}, d.Status) {
			return c, ledger.FieldError("#/status", "active, inactive, retired or deceased")
		}
		c.Status = &d.Status
	}
	if d.Cycle != strconv.Itoa(m.ABCPCycle) && !(d.Cycle == "" && m.ABCPCycle == 0) {
		n, err := formCycle(d.Cycle)
		if err != nil {
			return c, err
		}
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
		if err != nil {
			return c, err
		}
		*f.to = &day
	}
	return c, nil
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
