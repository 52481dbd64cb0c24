package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/recert"
)

// requestEmailChange sends a link to the new address, as the API's e-mail change does (the
// current password required, the account's attempts limited); the address changes only when
// the link is followed.
func (p *Pages) requestEmailChange(c echo.Context) error {
	u, _ := p.user(c)
	ctx := ctxOf(c)
	m, err := p.store.Member(ctx, u.MemberID)
	if err != nil {
		return p.fail(c, err)
	}
	d := profileForm(m)
	d.NewEmail = strings.TrimSpace(c.FormValue("email"))
	if wait, err := p.allow(c, "account:"+u.ID); err != nil || wait > 0 {
		return p.fail(c, recert.Errorf(recert.ERATELIMITED, "Too many attempts. Try again in a few minutes."))
	}
	principal := recert.Principal{Subject: u.ID, Role: u.Role, MemberID: u.MemberID}
	if _, err := p.registry.RequestEmailChange(ctx, principal, d.NewEmail, c.FormValue("password")); err != nil {
		return p.redo(c, err, "profile", "Your profile", d)
	}
	d.NewEmail = ""
	c.Set(flashKey, "A link is on its way to "+recert.NormalizeEmail(c.FormValue("email"))+
		". Your address changes when you follow it, within 24 hours.")
	return p.render(c, http.StatusOK, "profile", "Your profile", d)
}

type emailForm struct {
	Token, Email string // Email: the new address, while the link is usable
	Done         bool
}

// emailPage is where the e-mail change link leads: it names the new address and asks to
// confirm, since opening a link changes nothing.
func (p *Pages) emailPage(c echo.Context) error {
	noReferrer(c)
	f := emailForm{Token: c.QueryParam("token")}
	if auth.WellFormed(f.Token, auth.PrefixEmailChange) {
		var err error
		if f.Email, err = p.store.EmailChangeUsable(ctxOf(c), auth.HashSecret(f.Token)); err != nil {
			return p.fail(c, err)
		}
	}
	return p.render(c, http.StatusOK, "email", "Confirm your new e-mail address", f)
}

// confirmEmail moves the account to the new address, as the API's confirmation does.
func (p *Pages) confirmEmail(c echo.Context) error {
	noReferrer(c)
	if err := p.limit(c); err != nil {
		return p.fail(c, err)
	}
	f := emailForm{Token: c.FormValue("token")}
	if err := p.registry.ConfirmEmailChange(ctxOf(c), f.Token); err != nil {
		if recert.ErrorCode(err) == recert.EINVALID {
			return p.render(c, http.StatusBadRequest, "email", "Confirm your new e-mail address", f)
		}
		return p.redo(c, err, "email", "Confirm your new e-mail address", f)
	}
	f.Done = true
	return p.render(c, http.StatusOK, "email", "Your e-mail address is changed", f)
}
