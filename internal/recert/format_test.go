package recert

import (
	"fmt"
	"testing"
	"time"
)

// TestStringsAsPrintf: units and dates are written by hand, as fmt would write them.
func TestStringsAsPrintf(t *testing.T) {
	for _, u := range []Units{0, 1, 5, 10, 99, 100, 150, 12345, -1, -150, -12345, 1 << 40} {
		sign, v := "", u
		if v < 0 {
			sign, v = "-", -v
		}
		if want := fmt.Sprintf("%s%d.%02d", sign, v/100, v%100); u.String() != want {
			t.Errorf("%d: %q want %q", int64(u), u.String(), want)
		}
	}
	for _, d := range []Date{{2026, 12, 5}, {1, 1, 1}, {0, 0, 0}, {9999, 12, 31}, {10000, 1, 1}, {-5, 1, 1}, {2020, 13, 40}, {2020, time.Month(100), 5}} {
		if want := fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day); d.String() != want {
			t.Errorf("%v: %q want %q", d, d.String(), want)
		}
	}
}
