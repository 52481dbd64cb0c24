package web

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// membersPerStandingPage is how many members one page of the standing list evaluates, in one
// read of their credits.
const membersPerStandingPage = 50

// standingStatuses are the statuses the standing list can be narrowed to, in the order a
// coordinator reads them: who needs help first.
var standingStatuses = []progress.Status{progress.StatusDeficient, progress.StatusBehind, progress.StatusNeedsSetup,
	progress.StatusOnTrack, progress.StatusComplete}

type standingPage struct {
	Orgs     []recert.Organization
	Org      recert.Organization
	Status   string
	Statuses [][2]string
	Rows     []standingRow
	Next     string
}

type standingRow struct {
	Member   recert.Member
	Programs []standingCell
}

type standingCell struct {
	Program, Status, StatusWords, Line string
}

// standing lists where each member an organization may see stands, a page of members at a
// time, evaluated together (as the API's organization standing does), narrowed to a status.
func (p *Pages) standing(c echo.Context) error {
	u, _ := p.user(c)
	d := standingPage{Status: c.QueryParam("status")}
	for _, s := range standingStatuses {
		d.Statuses = append(d.Statuses, [2]string{string(s), statusWords(s)})
	}
	orgs, err := p.organizationsOf(c, u)
	if err != nil {
		return p.fail(c, err)
	}
	d.Orgs = orgs
	if len(orgs) == 0 {
		return p.render(c, http.StatusOK, "standing", "Members' standing", d)
	}
	d.Org = orgs[0]
	if id := c.QueryParam("org"); id != "" {
		i := slices.IndexFunc(orgs, func(o recert.Organization) bool { return o.ID == id })
		if i < 0 {
			return p.fail(c, recert.Errorf(recert.ENOTFOUND, "organization %s not found", id))
		}
		d.Org = orgs[i]
	}
	scope := recert.OrganizationsScope(d.Org.ID)
	members, next, err := p.store.Members(ctxOf(c), recert.MemberFilter{Page: recert.Page{Limit: membersPerStandingPage, After: c.QueryParam("after")}, Scope: scope})
	if err != nil {
		return p.fail(c, err)
	}
	results, err := p.progress.Standings(ctxOf(c), members, scope, "", nil)
	if err != nil {
		return p.fail(c, err)
	}
	d.Next = next
	for _, res := range results {
		if row, ok := standingOf(res, progress.Status(d.Status)); ok {
			d.Rows = append(d.Rows, row)
		}
	}
	return p.render(c, http.StatusOK, "standing", "Members' standing", d)
}

// standingOf is a member's row, when one of their programs has the status asked for (any,
// when none is).
func standingOf(res ledger.Result, want progress.Status) (standingRow, bool) {
	row := standingRow{Member: res.Member}
	keep := want == ""
	for _, st := range res.Standings() {
		cell := standingCell{Program: st.Program.Name, Status: string(st.Status), StatusWords: statusWords(st.Status), Line: st.Setup}
		if st.Setup == "" {
			cell.Line = st.Summary.Sentence
		}
		keep = keep || st.Status == want
		row.Programs = append(row.Programs, cell)
	}
	return row, keep
}

// organizationsOf are the organizations whose standing the user may read: an organizer's
// own, every one for an administrator.
func (p *Pages) organizationsOf(c echo.Context, u recert.User) ([]recert.Organization, error) {
	orgs, _, err := p.store.Organizations(ctxOf(c), recert.Page{Limit: 200}, u.Scope())
	return orgs, err
}
