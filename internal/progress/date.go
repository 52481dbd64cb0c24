package progress

import (
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

// Date is recert's civil date: periods, credits and as-of dates have no time of day and no
// time zone. It marshals to JSON as "YYYY-MM-DD"; the zero Date marshals as "".
type Date = recert.Date

// NewDate returns the date y-m-d, normalised the way time.Date normalises.
func NewDate(y int, m time.Month, d int) Date { return recert.NewDate(y, m, d) }

// DateOf returns the civil date of t in t's own location.
func DateOf(t time.Time) Date { return recert.DateOf(t) }

// ParseDate parses a "YYYY-MM-DD" date and rejects dates that do not exist (2025-02-29).
func ParseDate(s string) (Date, error) { return recert.ParseDate(s) }

// MonthDay is a day of the year without a year ("1 July"), used by period and window rules.
type MonthDay struct {
	Month time.Month `json:"month"`
	Day   int        `json:"day"`
}

// valid reports whether the month/day exists in every year; 29 February is refused so that a
// rule never names a day that is missing three years in four.
func (md MonthDay) valid() bool {
	return md.Month >= time.January && md.Month <= time.December && md.Day >= 1 &&
		md.Day <= daysIn(2023, md.Month)
}

// in returns the date md in year y.
func (md MonthDay) in(y int) Date { return Date{Year: y, Month: md.Month, Day: md.Day} }

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }
