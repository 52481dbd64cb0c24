package progress

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

// Property tests over random ledgers drawn from a fixed seed, so failures reproduce.

var propertyFacts = Facts{
	ABCPCycle: 1, BirthMonth: time.May,
	LicenseIssued: Date{Year: 2015, Month: time.March, Day: 10}, FirstLicensed: Date{Year: 2015, Month: time.March, Day: 10},
}

var propertyAsOf = []Date{{Year: 2022, Month: 5, Day: 1}, {Year: 2024, Month: 2, Day: 29}, {Year: 2025, Month: 7, Day: 1}, {Year: 2026, Month: 6, Day: 30}}

// randomCredit draws a credit dated 2019-2028 of any type, sometimes from minutes only,
// sometimes sharing a session.
func randomCredit(r *rand.Rand, id int) Credit {
	types := ActivityTypes()
	typ := types[r.IntN(len(types))]
	c := Credit{
		ID:           fmt.Sprintf("c%04d", id),
		Date:         Date{Year: 2019, Month: time.January, Day: 1}.AddDays(r.IntN(3650)),
		ActivityType: typ,
		Amount:       Units(r.IntN(1200)),
		Verified:     r.IntN(2) == 0,
	}
	if r.IntN(4) == 0 {
		c.Minutes = int64(r.IntN(600))
		if r.IntN(2) == 0 {
			c.Amount = 0
		}
	}
	if r.IntN(5) == 0 {
		c.Session = fmt.Sprintf("ses%d", r.IntN(20))
	}
	if r.IntN(6) == 0 {
		c.Topics = []string{[]string{"child_abuse_recognition", "human_trafficking"}[r.IntN(2)]}
	}
	return c
}

func randomLedger(r *rand.Rand, n int) []Credit {
	out := make([]Credit, n)
	for i := range out {
		out[i] = randomCredit(r, i)
	}
	return out
}

// ceuPrograms returns the built-in credit programs plus one with every cap kind.
func ceuPrograms(t *testing.T) []Program {
	t.Helper()
	all, err := BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	var out []Program
	for _, p := range all {
		if p.Kind == KindCEU {
			out = append(out, p)
		}
	}
	capped := builtIn(t, "abcp-ccp-ceu")
	capped.ID = "test-capped"
	capped.Categories = append(capped.Categories, CategoryRule{ID: "cat-ii-max", Category: CategoryII, Max: &Amount{Value: 1500}})
	capped.Caps = append(capped.Caps, Cap{ID: "poster", ActivityType: Poster, PerActivity: &Amount{Value: 200}, PerPeriod: &Amount{Value: 500}})
	return append(out, capped)
}

func mustEvaluate(t *testing.T, p Program, credits []Credit, asOf Date) Evaluation {
	t.Helper()
	e, err := Evaluate(p, propertyFacts, credits, asOf)
	if err != nil {
		t.Fatalf("%s: %v", p.ID, err)
	}
	return e
}

func TestPropertyAddingACreditNeverLowersCounted(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, p := range ceuPrograms(t) {
		for trial := range 40 {
			credits := randomLedger(r, 5+r.IntN(40))
			asOf := propertyAsOf[trial%len(propertyAsOf)]
			before := mustEvaluate(t, p, credits, asOf)
			after := mustEvaluate(t, p, append(credits, randomCredit(r, 9999)), asOf)
			for i, b := range before.Periods {
				a := after.Periods[i]
				if a.Counted < b.Counted || a.Counted+a.CarriedIn < b.Counted+b.CarriedIn {
					t.Fatalf("%s trial %d %s: counted %s+%s fell to %s+%s", p.ID, trial, b.Relation, b.Counted, b.CarriedIn, a.Counted, a.CarriedIn)
				}
			}
		}
	}
}

func TestPropertyCountedNeverExceedsClaimed(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, p := range ceuPrograms(t) {
		for trial := range 40 {
			e := mustEvaluate(t, p, randomLedger(r, 60), propertyAsOf[trial%len(propertyAsOf)])
			for _, pr := range e.Periods {
				if pr.Counted > pr.Claimed || pr.Counted+pr.Excess != pr.Claimed {
					t.Fatalf("%s %s: counted %s excess %s claimed %s", p.ID, pr.Relation, pr.Counted, pr.Excess, pr.Claimed)
				}
				var cuts Units
				for _, c := range pr.Cuts {
					cuts += c.Amount
				}
				if cuts != pr.Excess {
					t.Fatalf("%s %s: cuts sum to %s, excess is %s (excess must never be dropped)", p.ID, pr.Relation, cuts, pr.Excess)
				}
				for _, c := range pr.Credits {
					if c.Counted < 0 || c.Counted > c.Claimed {
						t.Fatalf("%s %s: credit %s counted %s of %s", p.ID, pr.Relation, c.ID, c.Counted, c.Claimed)
					}
				}
			}
		}
	}
}

func TestPropertyCreditOutsideAPeriodNeverChangesIt(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, p := range ceuPrograms(t) {
		for trial := range 40 {
			credits := randomLedger(r, 30)
			asOf := propertyAsOf[trial%len(propertyAsOf)]
			before := mustEvaluate(t, p, credits, asOf)
			extra := randomCredit(r, 9999)
			after := mustEvaluate(t, p, append(credits, extra), asOf)
			for i, b := range before.Periods {
				inside := extra.Date.Within(b.Start, b.End)
				// With carry-over a period depends on the one before it, never on later ones.
				affects := inside || (p.CarryOver != nil && !extra.Date.After(b.End))
				if affects {
					continue
				}
				if diff := gocmp.Diff(b, after.Periods[i]); diff != "" {
					t.Fatalf("%s: credit dated %s changed period %s..%s:\n%s", p.ID, extra.Date, b.Start, b.End, diff)
				}
			}
		}
	}
}

func TestPropertyInputOrderDoesNotMatter(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, p := range ceuPrograms(t) {
		credits := randomLedger(r, 80)
		want := mustEvaluate(t, p, credits, Date{Year: 2025, Month: time.July, Day: 1})
		// In date and id order, as a ledger gives them: allocation order then sorts each day only.
		inOrder := slices.Clone(credits)
		slices.SortFunc(inOrder, func(a, b Credit) int { return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.ID, b.ID)) })
		if diff := gocmp.Diff(want, mustEvaluate(t, p, inOrder, Date{Year: 2025, Month: time.July, Day: 1})); diff != "" {
			t.Fatalf("%s: credits in ledger order changed the result:\n%s", p.ID, diff)
		}
		for range 10 {
			shuffled := append([]Credit(nil), credits...)
			r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			if diff := gocmp.Diff(want, mustEvaluate(t, p, shuffled, Date{Year: 2025, Month: time.July, Day: 1})); diff != "" {
				t.Fatalf("%s: shuffled input changed the result:\n%s", p.ID, diff)
			}
		}
	}
}

func TestPropertyClinical(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	entry := func(id int) ClinicalEntry {
		role := Primary
		if r.IntN(2) == 0 {
			role = Secondary
		}
		return ClinicalEntry{ID: fmt.Sprintf("e%04d", id), Date: Date{Year: 2021, Month: time.January, Day: 1}.AddDays(r.IntN(2200)), Role: role, Count: 1 + r.IntN(6)}
	}
	all, err := BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	f := propertyFacts
	f.CertifiedOn = Date{Year: 2021, Month: time.October, Day: 1}
	for _, p := range all {
		if p.Kind != KindClinical {
			continue
		}
		for trial := range 40 {
			var entries []ClinicalEntry
			for i := range 20 + r.IntN(20) {
				entries = append(entries, entry(i))
			}
			asOf := propertyAsOf[trial%len(propertyAsOf)]
			before, err := EvaluateClinical(p, f, entries, asOf)
			if err != nil {
				t.Fatal(err)
			}
			extra := entry(9999)
			after, err := EvaluateClinical(p, f, append(entries, extra), asOf)
			if err != nil {
				t.Fatal(err)
			}
			for i, b := range before.Periods {
				a := after.Periods[i]
				if a.Counted.Total < b.Counted.Total || b.Counted.Total > b.Logged.Total || b.Counted.Secondary > b.Requirement.SecondaryMax {
					t.Fatalf("%s %s: counted %+v -> %+v, logged %+v", p.ID, b.Relation, b.Counted, a.Counted, b.Logged)
				}
				if !extra.Date.Within(b.Start, b.End) {
					if diff := gocmp.Diff(b, a); diff != "" {
						t.Fatalf("%s: entry dated %s changed %s..%s:\n%s", p.ID, extra.Date, b.Start, b.End, diff)
					}
				}
			}
		}
	}
}

// TestPropertyOptionsOnlyLeaveOut: an evaluation without credit explanations, over credits checked
// once for every program, or of the current period only, says the same of what it reports as
// the whole evaluation.
func TestPropertyOptionsOnlyLeaveOut(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, p := range ceuPrograms(t) {
		for trial := range 20 {
			credits := randomLedger(r, 5+r.IntN(60))
			asOf := propertyAsOf[trial%len(propertyAsOf)]
			whole := mustEvaluate(t, p, credits, asOf)
			brief, err := EvaluateWith(p, propertyFacts, credits, asOf, asOf, Options{}.Check(credits))
			if err != nil {
				t.Fatal(err)
			}
			current, err := EvaluateWith(p, propertyFacts, credits, asOf, asOf, Options{Current: true, Credits: true})
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(whole.Periods)
			for i := range want {
				want[i].Credits = nil
			}
			if diff := gocmp.Diff(want, brief.Periods); diff != "" {
				t.Fatalf("%s as of %s: without credits (-whole +brief):\n%s", p.ID, asOf, diff)
			}
			i := slices.IndexFunc(whole.Periods, func(pr PeriodResult) bool { return pr.Relation == Current })
			wantCurrent := whole.Periods
			if i >= 0 {
				wantCurrent = whole.Periods[i : i+1]
			}
			if diff := gocmp.Diff(wantCurrent, current.Periods); diff != "" {
				t.Fatalf("%s as of %s: current period only (-whole +current):\n%s", p.ID, asOf, diff)
			}
		}
	}
}

// TestPropertyAllocationOrder: a ledger's credits (in date and id order) are put in the order
// of Decision 5 (earliest, then larger, then by id) whether a day holds few amounts or many.
func TestPropertyAllocationOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for round := range 300 {
		amounts := 1 + r.IntN(12) // more than eight amounts a day takes the sorting path
		var items []*item
		for d := range 1 + r.IntN(4) {
			for s := range r.IntN(40) {
				c := &Credit{ID: fmt.Sprintf("c%02d-%03d", d, s), Date: Date{Year: 2025, Month: time.March, Day: 1 + d}}
				items = append(items, &item{c: c, amount: exact(r.IntN(amounts) * 25)})
			}
		}
		want := slices.Clone(items)
		slices.SortStableFunc(want, func(a, b *item) int {
			return cmp.Or(a.c.Date.Compare(b.c.Date), cmp.Compare(b.amount, a.amount), cmp.Compare(a.c.ID, b.c.ID))
		})
		allocationOrder(items)
		if !slices.Equal(items, want) {
			t.Fatalf("round %d: %d credits of up to %d amounts in the wrong order", round, len(items), amounts)
		}
	}
}
