package progress

import (
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the machine's zoneinfo
)

// date parses a "YYYY-MM-DD" literal or fails the test.
func date(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// builtIn returns the built-in program id or fails the test.
func builtIn(t testing.TB, id string) Program {
	t.Helper()
	all, err := BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range all {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no built-in program %q", id)
	return Program{}
}

// credit builds a credit for tests: amount is a decimal literal.
func credit(t testing.TB, id, day string, typ ActivityType, cat Category, amount string) Credit {
	t.Helper()
	return Credit{ID: id, Date: date(t, day), ActivityType: typ, Category: cat, Amount: MustUnits(amount)}
}

// period returns the evaluated period with the given relation or fails the test.
func periodOf(t testing.TB, e Evaluation, rel Relation) PeriodResult {
	t.Helper()
	for _, p := range e.Periods {
		if p.Relation == rel {
			return p
		}
	}
	t.Fatalf("no %s period in %+v", rel, e.Periods)
	return PeriodResult{}
}

// clinicalPeriodOf returns the evaluated clinical period with the given relation.
func clinicalPeriodOf(t testing.TB, e ClinicalEvaluation, rel Relation) ClinicalPeriodResult {
	t.Helper()
	for _, p := range e.Periods {
		if p.Relation == rel {
			return p
		}
	}
	t.Fatalf("no %s period in %+v", rel, e.Periods)
	return ClinicalPeriodResult{}
}

// requirement returns the requirement result with the given id or fails the test.
func requirement(t testing.TB, p PeriodResult, id string) RequirementResult {
	t.Helper()
	for _, r := range p.Requirements {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no requirement %q in %+v", id, p.Requirements)
	return RequirementResult{}
}

// category returns the by-category line of c.
func categoryOf(p PeriodResult, c Category) CategoryResult {
	for _, r := range p.ByCategory {
		if r.Category == c {
			return r
		}
	}
	return CategoryResult{Category: c}
}

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
