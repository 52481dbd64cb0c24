package progress

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

// summedLedger draws a ledger with meetings: groups of alike credits of one source and day
// (each with its own session), among random credits, some of them from the same source and
// day. It returns the ledger credit by credit, and as a summed read gives it: each group one
// credit standing for all of them.
func summedLedger(r *rand.Rand) (each, summed []Credit) {
	each = randomLedger(r, r.IntN(30))
	summed = slices.Clone(each)
	types := []ActivityType{MeetingAttendance, MeetingAttendance, Poster, SDCE}
	for g := range 1 + r.IntN(8) {
		source := fmt.Sprintf("att%02d", g)
		like := Credit{Date: Date{Year: 2019, Month: 1, Day: 1}.AddDays(r.IntN(3650)), ActivityType: types[r.IntN(len(types))],
			Category: []Category{CategoryI, CategoryII, CategoryIII, NoCategory}[r.IntN(4)], Amount: Units(25 * (1 + r.IntN(8))),
			Verified: true, Source: source}
		if r.IntN(4) == 0 {
			like.ApprovalRef = fmt.Sprintf("ABCP-%d", r.IntN(3))
		}
		if r.IntN(4) == 0 {
			like.Topics = []string{"child_abuse_recognition"}
		}
		if r.IntN(5) == 0 {
			like.ApprovedBy = []string{"abcp"}
		}
		n := 2 + r.IntN(6)
		group := make([]Credit, n)
		for i := range group {
			group[i] = like
			group[i].ID = fmt.Sprintf("%s:%03d", source, r.IntN(1000)*10+i)
			group[i].Session = group[i].ID
		}
		each = append(each, group...)
		first := slices.MinFunc(group, func(a, b Credit) int { return cmp.Compare(a.ID, b.ID) })
		first.Count, first.Session = n, ""
		summed = append(summed, first)
		if r.IntN(2) == 0 { // a session of the same meeting and day, unlike the others
			other := like
			other.ID, other.Amount = fmt.Sprintf("%s:%03d", source, r.IntN(1000)*10+9), Units(25*(1+r.IntN(8)))
			other.Session = other.ID
			each, summed = append(each, other), append(summed, other)
		}
	}
	byDateID := func(a, b Credit) int { return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.ID, b.ID)) }
	slices.SortFunc(each, byDateID)
	slices.SortFunc(summed, byDateID)
	return each, summed
}

// A brief evaluation of a summed read answers as one of each credit, or says it cannot.
func TestPropertySummedCreditsCountAsEach(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	counting := builtIn(t, "us-pa-perfusionist")
	counting.ID = "test-counting"
	counting.Topics = append(counting.Topics, TopicRule{ID: "abuse-count", Topic: "child_abuse_recognition", MinCount: &Count{Value: 4}})
	programs := append(ceuPrograms(t), counting)
	var compared, refused int
	check := func(p Program, trial int, each, summed []Credit, asOf Date, o Options) {
		t.Helper()
		want, err := EvaluateWith(p, propertyFacts, each, asOf, asOf, o)
		if err != nil {
			t.Fatalf("%s trial %d: %v", p.ID, trial, err)
		}
		got, err := EvaluateWith(p, propertyFacts, summed, asOf, asOf, o.Check(summed))
		if errors.Is(err, ErrSummed) {
			refused++
			return
		}
		if err != nil {
			t.Fatalf("%s trial %d: %v", p.ID, trial, err)
		}
		compared++
		if d := gocmp.Diff(want, got); d != "" {
			t.Fatalf("%s trial %d: summed credits counted otherwise (-each +summed):\n%s", p.ID, trial, d)
		}
	}
	// Two sources of one approved offering giving as much: the one whose credit comes first in
	// allocation order counts, and a summed credit is ordered as each of its own.
	day := Date{Year: 2024, Month: 3, Day: 5}
	offering := Credit{Date: day, ActivityType: MeetingAttendance, Category: CategoryI, ApprovalRef: "ABCP-7", Verified: true}
	halves := []Credit{offering, offering, offering}
	halves[0].ID, halves[0].Amount, halves[0].Source = "a:1", 50, "a"
	halves[1].ID, halves[1].Amount, halves[1].Source = "a:2", 50, "a"
	halves[2].ID, halves[2].Amount, halves[2].Source = "b:1", 100, "b"
	summedHalves := []Credit{halves[0], halves[2]}
	summedHalves[0].Count = 2
	check(builtIn(t, "abcp-ccp-ceu"), -1, halves, summedHalves, day, Options{})
	for _, p := range programs {
		for trial := range 120 {
			each, summed := summedLedger(r)
			asOf := propertyAsOf[trial%len(propertyAsOf)]
			check(p, trial, each, summed, asOf, Options{Current: trial%3 == 0})
		}
	}
	// Both ways are taken: most answers come from the summed read, some need each credit.
	if compared < refused || refused == 0 {
		t.Errorf("%d answers compared, %d refused the summed read", compared, refused)
	}
	t.Logf("%d answers compared, %d refused the summed read", compared, refused)
	if _, err := EvaluateWith(ceuPrograms(t)[0], propertyFacts, []Credit{{ID: "a", Date: propertyAsOf[0], ActivityType: MeetingAttendance,
		Amount: 100, Count: 3}}, propertyAsOf[0], propertyAsOf[0], Options{Credits: true}); !errors.Is(err, ErrSummed) {
		t.Errorf("explaining each credit of a summed read: %v, want ErrSummed", err)
	}
}
