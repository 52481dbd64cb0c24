package progress

import (
	"math/rand/v2"
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
