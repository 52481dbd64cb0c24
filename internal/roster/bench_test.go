package roster

import (
	"strings"
	"testing"
)

// BenchmarkReadCSV10000 reads a roster of MaxRows valid rows, the largest one accepted.
func BenchmarkReadCSV10000(b *testing.B) {
	in := generate(MaxRows)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := ReadCSV(strings.NewReader(in))
		if err != nil || len(f.Rows) != MaxRows {
			b.Fatalf("got %d rows, %v", len(f.Rows), err)
		}
	}
}
