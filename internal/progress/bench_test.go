package progress

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// BenchmarkEvaluateABCP1000 evaluates the ABCP CEU program for a member with 1,000 credits
// spread over ten years (previous, current and next periods all populated).
func BenchmarkEvaluateABCP1000(b *testing.B) {
	p := builtIn(b, "abcp-ccp-ceu")
	credits := randomLedger(rand.New(rand.NewPCG(42, 42)), 1000)
	f := Facts{ABCPCycle: 1}
	asOf := Date{Year: 2025, Month: time.July, Day: 1}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Evaluate(p, f, credits, asOf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluateClinical1000 evaluates ABCP clinical activity with 1,000 log entries.
func BenchmarkEvaluateClinical1000(b *testing.B) {
	p := builtIn(b, "abcp-ccp-clinical")
	r := rand.New(rand.NewPCG(42, 43))
	entries := make([]ClinicalEntry, 1000)
	for i := range entries {
		role := Primary
		if i%3 == 0 {
			role = Secondary
		}
		entries[i] = ClinicalEntry{ID: itoa(i), Date: Date{Year: 2022, Month: time.July, Day: 1}.AddDays(r.IntN(1460)), Role: role, Count: 1}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EvaluateClinical(p, Facts{}, entries, Date{Year: 2025, Month: time.July, Day: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluateABCPMeetings evaluates the ABCP CEU program for a member credited with
// every session of 25 meetings of 200 sessions each: many credits share a day.
func BenchmarkEvaluateABCPMeetings(b *testing.B) {
	p := builtIn(b, "abcp-ccp-ceu")
	var credits []Credit
	for e := range 25 {
		day := Date{Year: 2024 + e/20, Month: time.Month(1 + e%12), Day: 10}
		for s := range 200 {
			id := fmt.Sprintf("e%02d:s%03d", e, s) // in date and id order, as a ledger gives them
			credits = append(credits, Credit{ID: id, Date: day, ActivityType: MeetingAttendance,
				Category: []Category{CategoryI, CategoryII}[e%2], Amount: []Units{100, 100, 50, 150}[s%4], Verified: true,
				Session: id, Source: fmt.Sprintf("e%02d", e)})
		}
	}
	slices.SortFunc(credits, func(a, b Credit) int { return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.ID, b.ID)) })
	f := Facts{ABCPCycle: 1}
	asOf := Date{Year: 2025, Month: time.November, Day: 1}
	opts := Options{}.Check(credits) // as the ledger asks for an answer that lists no credit
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EvaluateWith(p, f, credits, asOf, asOf, opts); err != nil {
			b.Fatal(err)
		}
	}
}
