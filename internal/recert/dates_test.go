package recert_test

import (
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

func TestParseDate(t *testing.T) {
	for in, ok := range map[string]bool{
		"2026-12-04": true, "2024-02-29": true, "2025-02-29": false, "2026-13-01": false,
		"2026-1-4": false, "04/12/2026": false, "": false, "2026-12-04T00:00:00Z": false,
	} {
		d, err := recert.ParseDate(in)
		if (err == nil) != ok {
			t.Errorf("ParseDate(%q) = %v, %v; want ok %v", in, d, err, ok)
		}
		if ok && d.String() != in {
			t.Errorf("ParseDate(%q).String() = %q", in, d)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	d := recert.NewDate
	for _, c := range []struct {
		name      string
		got, want recert.Date
	}{
		{"NewDate normalises like time.Date", d(2025, 2, 29), d(2025, 3, 1)},
		{"a day on, across a year", d(2025, 12, 31).AddDays(1), d(2026, 1, 1)},
		{"days back", d(2026, 3, 1).AddDays(-1), d(2026, 2, 28)},
		{"a month from 31 January, clamped", d(2026, 1, 31).AddMonths(1), d(2026, 2, 28)},
		{"a month from 31 January in a leap year", d(2024, 1, 31).AddMonths(1), d(2024, 2, 29)},
		{"12 months from 29 February", d(2024, 2, 29).AddMonths(12), d(2025, 2, 28)},
		{"36 months back", d(2026, 6, 30).AddMonths(-36), d(2023, 6, 30)},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s, want %s", c.name, c.got, c.want)
		}
	}
	a, b := d(2026, 7, 1), d(2026, 6, 30)
	if !b.Before(a) || !a.After(b) || a.Before(a) || a.Compare(a) != 0 || b.Compare(a) != -1 {
		t.Error("Before, After or Compare is wrong")
	}
	if !a.Within(b, a) || !b.Within(b, a) || d(2026, 7, 2).Within(b, a) {
		t.Error("Within is not inclusive of both ends only")
	}
	if n := d(2026, 12, 31).DaysSince(d(2026, 1, 1)); n != 364 {
		t.Errorf("DaysSince = %d, want 364", n)
	}
	// Across a daylight-saving change the day count is still whole: dates are UTC midnights.
	if n := d(2026, 3, 9).DaysSince(d(2026, 3, 7)); n != 2 {
		t.Errorf("DaysSince across DST = %d", n)
	}
	if got := recert.DateOf(time.Date(2026, 7, 1, 23, 30, 0, 0, time.FixedZone("PDT", -7*3600))); got != a {
		t.Errorf("DateOf keeps the time's own zone: %s", got)
	}
}

func TestDateText(t *testing.T) {
	var zero recert.Date
	if b, _ := zero.MarshalText(); len(b) != 0 || !zero.IsZero() || zero.Valid() {
		t.Errorf("the zero date marshals to %q", b)
	}
	var d recert.Date
	if err := d.UnmarshalText([]byte("2026-12-04")); err != nil || d != recert.NewDate(2026, 12, 4) || !d.Valid() {
		t.Errorf("UnmarshalText: %v %v", d, err)
	}
	if err := d.UnmarshalText([]byte("2026-02-30")); err == nil {
		t.Error("2026-02-30 accepted")
	}
}
