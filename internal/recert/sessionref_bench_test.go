package recert_test

import (
	"fmt"
	"testing"

	"github.com/recert-dev/recert/internal/recert"
)

// BenchmarkSuggestSessions is the cost of one unknown reference at the largest event the
// contract allows (200 sessions), titles close in length to the reference, so that every
// session is compared by edit distance: the worst case of a roster row.
func BenchmarkSuggestSessions(b *testing.B) {
	var ev recert.Event
	for i := range 200 {
		ev.Sessions = append(ev.Sessions, recert.Session{Code: fmt.Sprintf("S%d", i+1),
			Title: fmt.Sprintf("Perfusion topic number %03d: circuits, pumps and oxygenators", i)})
	}
	ref := "Circuit management for the adult and pediatric ECMO patient"
	s := ev.Index()
	b.ReportAllocs()
	for b.Loop() {
		s.Suggest(ref)
	}
}
