package web

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// card is one program period on the dashboard.
type card struct {
	Program, Period     string
	Status, StatusWords string
	Sentence            string
	Deadline            string
	DaysLeft            string
	Bars                []bar
	NotCounted          []notCounted
	Problem             string
	Note                string
}

// bar is one requirement's progress: Counted of Required in Unit.
type bar struct {
	What              string
	Counted, Required string
	Value, Max        int64
	Met               bool
}

type notCounted struct {
	Date, What, Amount, Why string
}

// dashboard shows one card per program and period the member is in, current periods first.
func (p *Pages) dashboard(c echo.Context) error {
	u, _ := p.user(c)
	if u.MemberID == "" {
		return p.render(c, http.StatusOK, "dashboard", "Your progress", dashboardData{})
	}
	res, err := p.progress.Evaluate(ctxOf(c), ledger.Query{MemberID: u.MemberID, Scope: recert.AllOrganizations()})
	if err != nil {
		return p.fail(c, err)
	}
	cards, untracked := splitUntracked(p.cards(res))
	return p.render(c, http.StatusOK, "dashboard", "Your progress", dashboardData{Member: &res.Member, Cards: cards, Untracked: untracked})
}

type dashboardData struct {
	Member *recert.Member
	Cards  []card
	// Untracked are past periods from before Recert's record of the member starts: one
	// line on the page, not a full card each.
	Untracked []card
}

// splitUntracked takes out the previous periods that are not tracked.
func splitUntracked(cards []card) (shown, untracked []card) {
	for _, k := range cards {
		if k.Note == string(progress.Previous) && k.Status == string(progress.StatusNotTracked) {
			untracked = append(untracked, k)
			continue
		}
		shown = append(shown, k)
	}
	return shown, untracked
}

func (p *Pages) cards(res ledger.Result) []card {
	var out []card
	now := p.now()
	for _, e := range res.Programs {
		switch {
		case e.Problem != nil:
			if sentence, ok := progress.SetupSentence(e.Problem); ok {
				// A fact to enter (the ABCP cycle), not a fault: the card says what and who.
				s := progress.StatusNeedsSetup
				out = append(out, card{Program: e.Program.Name, Status: string(s), StatusWords: statusWords(s), Sentence: sentence})
				continue
			}
			out = append(out, card{Program: e.Program.Name, Problem: e.Problem.Error()})
		case e.CEU != nil:
			unit := unitWords(e.CEU.Unit)
			for _, per := range e.CEU.Periods {
				if per.Relation == progress.Next {
					continue
				}
				k := periodCard(*e.Program, per.PeriodInfo, now)
				for _, q := range per.Requirements {
					what := q.What
					if !strings.Contains(what, unit) {
						what += " (" + unit + ")"
					}
					k.Bars = append(k.Bars, bar{What: what, Counted: q.Counted.String(), Required: q.Required.String(),
						Value: int64(min(q.Counted, q.Required)), Max: int64(max(q.Required, 1)), Met: q.Met})
				}
				for _, n := range per.NotCounted {
					k.NotCounted = append(k.NotCounted, notCounted{Date: longDate(n.Date), What: res.About[n.CreditID],
						Amount: n.Amount.String() + " " + unit, Why: n.Detail})
				}
				out = append(out, k)
			}
		case e.Clinical != nil:
			for _, per := range e.Clinical.Periods {
				if per.Relation == progress.Next {
					continue
				}
				k := periodCard(*e.Program, per.PeriodInfo, now)
				r := per.Requirement
				k.Bars = append(k.Bars, count("Clinical activities", per.Counted.Total, r.Total),
					count("Primary clinical activities", per.Counted.Primary, r.PrimaryMin))
				if r.SecondaryMax > 0 {
					k.Bars = append(k.Bars, count("Secondary clinical activities (at most)", per.Counted.Secondary, r.SecondaryMax))
				}
				out = append(out, k)
			}
		}
	}
	// Current periods first, then the previous ones; the sort keeps each group's order.
	slices.SortStableFunc(out, func(a, b card) int { return boolRank(a.Note == "previous") - boolRank(b.Note == "previous") })
	return out
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func count(what string, counted, required int) bar {
	return bar{What: what, Counted: fmt.Sprint(counted), Required: fmt.Sprint(required),
		Value: int64(min(counted, required)), Max: int64(max(required, 1)), Met: counted >= required}
}

// periodCard fills what every period card says: the period, its status and deadline.
func periodCard(prog progress.Program, per progress.PeriodInfo, now time.Time) card {
	k := card{Program: prog.Name, Period: longDate(per.Start) + " to " + longDate(per.End), Status: string(per.Status),
		StatusWords: statusWords(per.Status), Sentence: per.Summary.Sentence, Note: string(per.Relation)}
	if !per.Deadline.IsZero() {
		k.Deadline = per.Deadline.Format("2 January 2006")
		switch days := int(math.Ceil(per.Deadline.Sub(now).Hours() / 24)); {
		case days > 1:
			k.DaysLeft = fmt.Sprintf("%d days left", days)
		case days == 1:
			k.DaysLeft = "1 day left"
		case days == 0:
			k.DaysLeft = "due today"
		default:
			k.DaysLeft = "past the deadline"
		}
	}
	return k
}

// statusWords says a period status in words, as a card's label; the colour repeats it,
// never replaces it.
func statusWords(s progress.Status) string {
	w := s.Words()
	if w == "" {
		return w
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

func unitWords(u progress.Unit) string {
	if u == progress.Hour60 {
		return "hours"
	}
	return "CEUs"
}

func longDate(d recert.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("2 January 2006")
}

// credits lists the member's credits, newest first.
func (p *Pages) credits(c echo.Context) error {
	u, _ := p.user(c)
	list, err := p.memberCredits(c, u)
	if err != nil {
		return p.fail(c, err)
	}
	var total recert.Units
	for _, cr := range list {
		total += cr.CEUs
	}
	slices.Reverse(list)
	disputes, err := p.memberDisputes(c, u)
	if err != nil {
		return p.fail(c, err)
	}
	d := creditsData{Credits: list, Total: total.String(), Disputes: disputes, Certificates: p.credentials != nil}
	if u.MemberID != "" {
		acts, _, err := p.store.Activities(ctxOf(c), u.MemberID, recert.Page{Limit: 1000}, true)
		if err != nil {
			return p.fail(c, err)
		}
		var self recert.Units
		for _, a := range acts {
			self += a.CEUs
		}
		d.SelfReported, d.SelfTotal, d.AllTotal = len(acts), self.String(), (total + self).String()
	}
	return p.render(c, http.StatusOK, "credits", "Your credits", d)
}

type creditsData struct {
	Credits  []recert.Credit
	Total    string
	Disputes []memberDispute
	// SelfReported counts the member's own activities that count (not withdrawn nor
	// rejected), listed on the activities page, and SelfTotal their CEUs.
	SelfReported        int
	SelfTotal, AllTotal string
	// Certificates: each credit links to its attendance's printable certificate.
	Certificates bool
}

func (p *Pages) memberCredits(c echo.Context, u recert.User) ([]recert.Credit, error) {
	if u.MemberID == "" {
		return nil, nil
	}
	return p.store.Credits(ctxOf(c), recert.CreditFilter{MemberID: u.MemberID, Scope: recert.AllOrganizations()})
}

// creditsCSV downloads the credits as the API's CSV.
func (p *Pages) creditsCSV(c echo.Context) error {
	u, _ := p.user(c)
	list, err := p.memberCredits(c, u)
	if err != nil {
		return p.fail(c, err)
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="recert-credits.csv"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", ledger.CreditsCSV(list))
}
