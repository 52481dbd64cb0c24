package recert

import (
	"math/rand/v2"
	"testing"
)

// fullDistance is the whole table of editDistance, for comparison.
func fullDistance(a, b []rune) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// TestEditDistanceBand: the banded distance agrees with the whole table whenever the
// distance is within k, and says "more than k" otherwise, over random names on a small
// alphabet (so that they share letters and swaps).
func TestEditDistanceBand(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func() []rune {
		w := make([]rune, r.IntN(12))
		for i := range w {
			w[i] = rune('a' + r.IntN(4))
		}
		return w
	}
	for range 20000 {
		a, b, k := word(), word(), r.IntN(6)
		want, got := fullDistance(a, b), editDistance(a, b, k)
		if want <= k && got != want || want > k && got <= k {
			t.Fatalf("editDistance(%q, %q, %d) = %d; the whole table says %d", string(a), string(b), k, got, want)
		}
	}
}

// TestSessionIndexBound: past MaxSuggested distinct references, Unknown lists the codes rather
// than search, and a reference already seen keeps its message.
func TestSessionIndexBound(t *testing.T) {
	ev := Event{Sessions: []Session{{Code: "S1", Title: "Ethics"}}}
	s := ev.Index()
	first := s.Unknown("Ethcis")
	for i := range MaxSuggested {
		s.Unknown(string(rune('A'+i%26)) + string(rune(0x4e00+i)))
	}
	if got := s.Unknown("Ethcis"); got != first || got != `"Ethcis" is not a session of this event; did you mean S1 "Ethics"?` {
		t.Errorf("a reference seen before: %q", got)
	}
	if got := s.Unknown("Ethisc"); got != `"Ethisc" is not a session of this event; its sessions are S1` {
		t.Errorf("past the bound: %q", got)
	}
}
