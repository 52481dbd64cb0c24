package recert

import (
	"math/rand/v2"
	"testing"
	"time"
)

// The calendar as package time computes it, which the integer arithmetic must match.
func timeNewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

func timeAddMonths(d Date, n int) Date {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(first.Year(), first.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return Date{first.Year(), first.Month(), min(d.Day, last)}
}

// TestCalendarMatchesPackageTime: dates made, moved by days and months and subtracted with
// integer arithmetic are what package time makes of them, for every day of four centuries
// around today (every leap-year rule), days and months out of range that carry over, the
// zero Date, and random dates far before and after.
func TestCalendarMatchesPackageTime(t *testing.T) {
	check := func(y int, m time.Month, d int) {
		t.Helper()
		want := timeNewDate(y, m, d)
		if got := NewDate(y, m, d); got != want {
			t.Fatalf("NewDate(%d, %d, %d) = %v, want %v", y, m, d, got, want)
		}
	}
	for day := NewDate(1800, 1, 1); day.Year < 2200; day = day.AddDays(1) {
		check(day.Year, day.Month, day.Day)
		if want := timeNewDate(day.Year, day.Month, day.Day+1); day.AddDays(1) != want {
			t.Fatalf("%v plus a day = %v, want %v", day, day.AddDays(1), want)
		}
		if !day.Valid() {
			t.Fatalf("%v is not valid", day)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		y, m, d := r.IntN(6000)-2000, time.Month(r.IntN(40)-14), r.IntN(900)-450
		check(y, m, d)
		base := timeNewDate(y, m, d)
		if n := r.IntN(200_000) - 100_000; base.AddDays(n) != timeNewDate(base.Year, base.Month, base.Day+n) {
			t.Fatalf("%v plus %d days = %v, want %v", base, n, base.AddDays(n), timeNewDate(base.Year, base.Month, base.Day+n))
		}
		if n := r.IntN(2000) - 1000; base.AddMonths(n) != timeAddMonths(base, n) {
			t.Fatalf("%v plus %d months = %v, want %v", base, n, base.AddMonths(n), timeAddMonths(base, n))
		}
		// Within package time's durations (±292 years).
		other := base.AddDays(r.IntN(200_000) - 100_000)
		if want := int(other.Time().Sub(base.Time()).Hours() / 24); other.DaysSince(base) != want {
			t.Fatalf("%v since %v = %d days, want %d", other, base, other.DaysSince(base), want)
		}
	}
	for _, n := range []int{-1, 0, 1, 13} {
		if got, want := (Date{}).AddMonths(n), timeAddMonths(Date{}, n); got != want {
			t.Errorf("the zero Date plus %d months = %v, want %v", n, got, want)
		}
		if got, want := (Date{}).AddDays(n), timeNewDate(0, 0, n); got != want {
			t.Errorf("the zero Date plus %d days = %v, want %v", n, got, want)
		}
	}
}
