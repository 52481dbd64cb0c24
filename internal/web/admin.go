package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/recert"
)

type membersData struct {
	Q        string
	Members  []recert.Member
	Searched bool
}

// members searches members by name, email or ABCP ID (q), as the API's member list does.
func (p *Pages) members(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	d := membersData{Q: q}
	if q != "" {
		list, _, err := p.store.Members(ctxOf(c), recert.MemberFilter{Page: recert.Page{Limit: 50}, Text: q, Scope: recert.AllOrganizations()})
		if err != nil {
			return p.fail(c, err)
		}
		d.Members, d.Searched = list, true
	}
	return p.render(c, http.StatusOK, "members", "Members", d)
}
