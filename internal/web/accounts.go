package web

import (
	"net/http"
	"net/mail"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// perPage is how many rows one page of an administrator's list shows.
const perPage = 50

// orgRow is an organization with the accounts that act for it.
type orgRow struct {
	recert.Organization
	Organizers []recert.User
}

type orgsData struct {
	Orgs []orgRow
	Next string
	Form recert.Organization // the creation form, as sent
}

// organizations lists the organizations and their organizers, a page at a time, with the
// form that registers one.
func (p *Pages) organizations(c echo.Context) error {
	return p.organizationsPage(c, http.StatusOK, recert.Organization{})
}

func (p *Pages) organizationsPage(c echo.Context, status int, form recert.Organization) error {
	orgs, next, err := p.store.Organizations(ctxOf(c), recert.Page{Limit: perPage, After: c.QueryParam("after")}, recert.AllOrganizations())
	if err != nil {
		return p.fail(c, err)
	}
	rows, err := p.withOrganizers(c, orgs)
	if err != nil {
		return p.fail(c, err)
	}
	return p.render(c, status, "organizations", "Organizations", orgsData{Orgs: rows, Next: next, Form: form})
}

func (p *Pages) withOrganizers(c echo.Context, orgs []recert.Organization) ([]orgRow, error) {
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	byOrg, err := p.store.OrganizerIDs(ctxOf(c), ids)
	if err != nil {
		return nil, err
	}
	rows := make([]orgRow, len(orgs))
	for i, o := range orgs {
		rows[i].Organization = o
		for _, id := range byOrg[o.ID] {
			u, err := p.store.User(ctxOf(c), id)
			if err != nil {
				return nil, err
			}
			rows[i].Organizers = append(rows[i].Organizers, u)
		}
	}
	return rows, nil
}

// createOrganization registers a CE provider, as the API does.
func (p *Pages) createOrganization(c echo.Context) error {
	u, _ := p.user(c)
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	form := recert.Organization{Name: v("name"), Code: strings.ToUpper(v("code")), ContactEmail: v("contact_email"), ContactPhone: v("contact_phone")}
	var o recert.Organization
	err := checkEmail("#/contact_email", form.ContactEmail, true)
	if err == nil {
		o, err = p.accounts.CreateOrganization(ctxOf(c), form, u.ID)
	}
	if err != nil {
		return p.refused(c, err, func() error { return p.organizationsPage(c, http.StatusBadRequest, form) })
	}
	return c.Redirect(http.StatusSeeOther, "/app/organizations/"+o.ID+"?done=org")
}

// checkEmail reads an email address as the API's contract does (an empty one is fine when
// optional).
func checkEmail(pointer, s string, optional bool) error {
	if s == "" && optional {
		return nil
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s || len(s) > 254 {
		return ledger.FieldError(pointer, "not an email address")
	}
	return nil
}

type orgData struct {
	Org  orgRow
	Form recert.User // the new organizer's form, as sent (never the password)
}

// organization shows an organization, its organizers and the form that creates one.
func (p *Pages) organization(c echo.Context) error {
	return p.organizationPage(c, http.StatusOK, recert.User{})
}

func (p *Pages) organizationPage(c echo.Context, status int, form recert.User) error {
	o, err := p.store.Organization(ctxOf(c), c.Param("organization_id"))
	if err != nil {
		return p.fail(c, err)
	}
	rows, err := p.withOrganizers(c, []recert.Organization{o})
	if err != nil {
		return p.fail(c, err)
	}
	return p.render(c, status, "organization", o.Name, orgData{Org: rows[0], Form: form})
}

// createOrganizer creates an organizer's account, with a first password, acting for the
// organization, as the API's CreateUser does.
func (p *Pages) createOrganizer(c echo.Context) error {
	u, _ := p.user(c)
	o, err := p.store.Organization(ctxOf(c), c.Param("organization_id"))
	if err != nil {
		return p.fail(c, err)
	}
	form := recert.User{Name: strings.TrimSpace(c.FormValue("name")), Email: strings.TrimSpace(c.FormValue("email")),
		Role: recert.RoleOrganizer, OrganizationIDs: []string{o.ID}}
	err = checkEmail("#/email", form.Email, false)
	if err == nil {
		_, err = p.accounts.CreateUser(ctxOf(c), form, c.FormValue("password"), u.ID)
	}
	if err != nil {
		return p.refused(c, err, func() error { return p.organizationPage(c, http.StatusBadRequest, form) })
	}
	return c.Redirect(http.StatusSeeOther, "/app/organizations/"+o.ID+"?done=organizer")
}

// addOrganizer lets an existing organizer's account, named by its email, act for the
// organization too, as the API's AddOrganizer does.
func (p *Pages) addOrganizer(c echo.Context) error {
	u, _ := p.user(c)
	orgID, email := c.Param("organization_id"), strings.TrimSpace(c.FormValue("email"))
	if _, err := p.store.Organization(ctxOf(c), orgID); err != nil {
		return p.fail(c, err)
	}
	who, _, err := p.store.UserByEmail(ctxOf(c), email)
	if recert.ErrorCode(err) == recert.ENOTFOUND {
		err = ledger.FieldError("#/email", "no account has this email; create the organizer's account below")
	}
	if err == nil {
		err = p.accounts.AddOrganizer(ctxOf(c), orgID, who.ID, u.ID)
	}
	if err != nil {
		return p.refused(c, err, func() error { return p.organizationPage(c, http.StatusBadRequest, recert.User{}) })
	}
	return c.Redirect(http.StatusSeeOther, "/app/organizations/"+orgID+"?done=org-added")
}

// leaveRow is a pending leave request and whose it is.
type leaveRow struct {
	recert.Leave
	Member recert.Member
}

type leaveData struct {
	Requests []leaveRow
	Next     string
}

// leave lists the leave periods no one has decided on, oldest first, a page at a time.
func (p *Pages) leave(c echo.Context) error {
	list, next, err := p.store.PendingLeave(ctxOf(c), recert.Page{Limit: perPage, After: c.QueryParam("after")})
	if err != nil {
		return p.fail(c, err)
	}
	d := leaveData{Next: next}
	for _, l := range list {
		m, err := p.store.Member(ctxOf(c), l.MemberID)
		if err != nil {
			return p.fail(c, err)
		}
		d.Requests = append(d.Requests, leaveRow{Leave: l, Member: m})
	}
	return p.render(c, http.StatusOK, "leave", "Leave approvals", d)
}

// decideLeave records ABCP's decision on a leave period, as the API does.
func (p *Pages) decideLeave(c echo.Context) error {
	u, _ := p.user(c)
	decision := c.FormValue("decision")
	if decision != "approve" && decision != "reject" {
		return p.fail(c, recert.Errorf(recert.EINVALID, "approve or reject the leave"))
	}
	if _, err := p.accounts.DecideLeave(ctxOf(c), c.Param("leave_id"), decision == "approve", u.ID); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/leave?done="+map[string]string{"approve": "approved", "reject": "rejected"}[decision])
}

type clientsData struct {
	Clients []recert.Client
	Next    string
	Orgs    []recert.Organization
	OrgName map[string]string
	Scopes  []string
	Form    recert.Client
	Checked map[string]bool // the form's scopes
	// Created is the app just registered, and Secret its secret, shown this once.
	Created *recert.Client
	Secret  string
}

// clients lists the apps registered with the API, with the form that registers one.
func (p *Pages) clients(c echo.Context) error {
	return p.clientsPage(c, http.StatusOK, clientsData{})
}

func (p *Pages) clientsPage(c echo.Context, status int, d clientsData) error {
	var err error
	if d.Clients, d.Next, err = p.store.Clients(ctxOf(c), recert.Page{Limit: perPage, After: c.QueryParam("after")}, recert.AllOrganizations()); err != nil {
		return p.fail(c, err)
	}
	if d.Orgs, _, err = p.store.Organizations(ctxOf(c), recert.Page{Limit: 200}, recert.AllOrganizations()); err != nil {
		return p.fail(c, err)
	}
	d.OrgName = map[string]string{}
	for _, o := range d.Orgs {
		d.OrgName[o.ID] = o.Name
	}
	d.Scopes, d.Checked = recert.ClientScopes, map[string]bool{}
	for _, sc := range d.Form.Scopes {
		d.Checked[sc] = true
	}
	return p.render(c, status, "clients", "API clients", d)
}

// createClient registers an app, as the API does, and shows its secret once.
func (p *Pages) createClient(c echo.Context) error {
	u, _ := p.user(c)
	form, _ := c.FormParams()
	in := recert.Client{Name: strings.TrimSpace(c.FormValue("name")), OrganizationID: c.FormValue("organization_id"), Scopes: form["scope"]}
	created, secret, err := p.accounts.CreateClient(ctxOf(c), recert.Principal{Subject: u.ID, Role: u.Role, OrganizationIDs: u.OrganizationIDs}, in)
	if err != nil {
		return p.refused(c, err, func() error { return p.clientsPage(c, http.StatusBadRequest, clientsData{Form: in}) })
	}
	return p.clientsPage(c, http.StatusCreated, clientsData{Created: &created, Secret: secret})
}

// revokeClient stops an app for good.
func (p *Pages) revokeClient(c echo.Context) error {
	u, _ := p.user(c)
	if _, _, err := p.store.Client(ctxOf(c), c.Param("client_id")); err != nil {
		return p.fail(c, err)
	}
	if err := p.registry.RevokeClient(ctxOf(c), c.Param("client_id"), u.ID); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/clients?done=client-revoked")
}
