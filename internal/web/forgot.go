package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/auth"
)

type forgotForm struct {
	Email string
	Sent  bool
}

// forgotPage asks for the address to send a password reset link to.
func (p *Pages) forgotPage(c echo.Context) error {
	return p.render(c, http.StatusOK, "forgot", "Reset your password", forgotForm{})
}

// forgot sends the link as the API's password reset does, under the same limit, and answers
// the same whether or not an account has the address.
func (p *Pages) forgot(c echo.Context) error {
	f := forgotForm{Email: strings.TrimSpace(c.FormValue("email"))}
	if err := p.limit(c); err != nil {
		return p.fail(c, err)
	}
	if f.Email == "" {
		c.Set(errorKey, "Enter the email address you sign in with.")
		return p.render(c, http.StatusBadRequest, "forgot", "Reset your password", f)
	}
	if err := p.registry.ForgotPassword(ctxOf(c), f.Email); err != nil {
		return p.fail(c, err)
	}
	f.Sent = true
	return p.render(c, http.StatusOK, "forgot", "Reset your password", f)
}

// resetUsable reports whether a reset link can still set a password, so that a used or
// expired one says so before the form, with a way to ask for another.
func (p *Pages) resetUsable(c echo.Context, token string) (bool, error) {
	if !auth.WellFormed(token, auth.PrefixResetToken) {
		return false, nil
	}
	return p.store.PasswordResetUsable(ctxOf(c), auth.HashSecret(token))
}
