package recert

import (
	"cmp"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"time"
)

// NewID returns a new opaque id with a type prefix, such as org_3k5x… or mem_q8…
func NewID(prefix string) string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return prefix + "_" + idEncoding.EncodeToString(b[:])
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Id prefixes, one per kind of object.
const (
	PrefixOrganization = "org"
	PrefixMember       = "mem"
	PrefixUser         = "usr"
	PrefixClient       = "cli"
	PrefixSignIn       = "sin"
	PrefixCredential   = "crd"
	PrefixApp          = "app"
)

// Audit records who made an object and who changed it last, and when (UTC, microseconds).
type Audit struct {
	CreatedAt time.Time
	CreatedBy string
	UpdatedAt time.Time
	UpdatedBy string
}

// Organization is a CE provider: a society, a hospital, a school.
type Organization struct {
	ID           string
	Name         string
	Code         string // short, unique, e.g. WPS
	ContactEmail string
	ContactPhone string
	Version      int // increases with every update; the ETag
	Audit
}

// Date is a civil date (year, month, day) with no time of day and no time zone: a credit
// earned on 30 June belongs to 30 June wherever the server runs. It is stored and written as
// YYYY-MM-DD; the zero Date writes as "" in JSON.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d, normalised the way time.Date normalises (so 2025-02-29
// becomes 2025-03-01).
func NewDate(y int, m time.Month, d int) Date {
	return civilFromDays(daysFromCivil(y, m, d))
}

// DateOf is the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads YYYY-MM-DD and rejects dates that do not exist (2025-02-29).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return DateOf(t), nil
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	if d.Year < 0 || d.Year > 9999 || d.Month < 0 || d.Month > 99 || d.Day < 0 || d.Day > 99 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
	y, m, day := d.Year, int(d.Month), d.Day
	return string([]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10%10), byte('0' + m%10), '-', byte('0' + day/10%10), byte('0' + day%10)})
}

// IsZero reports whether d is the zero Date (no date given).
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a day that exists.
func (d Date) Valid() bool {
	return d.Month >= time.January && d.Month <= time.December && d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	// Field by field, each compared only when the ones before are equal: this runs for
	// every credit of every period, and cmp.Or would compare all three every time.
	switch {
	case d.Year != o.Year:
		return cmp.Compare(d.Year, o.Year)
	case d.Month != o.Month:
		return cmp.Compare(d.Month, o.Month)
	}
	return cmp.Compare(d.Day, o.Day)
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// Within reports whether start <= d <= end.
func (d Date) Within(start, end Date) bool { return !d.Before(start) && !d.After(end) }

// AddDays returns d plus n days (n may be negative).
func (d Date) AddDays(n int) Date { return civilFromDays(daysFromCivil(d.Year, d.Month, d.Day) + n) }

// AddMonths returns d plus n months, clamped to the last day of the target month, so that
// 31 January + 1 month is 28 (or 29) February and 29 February + 12 months is 28 February.
func (d Date) AddMonths(n int) Date {
	months := int(d.Month) - 1 + n
	y := d.Year + floorDiv(months, 12)
	m := time.Month(months-floorDiv(months, 12)*12) + 1
	return Date{y, m, min(d.Day, daysIn(y, m))}
}

// DaysSince returns the number of days from o to d (negative when d is before o).
func (d Date) DaysSince(o Date) int {
	return daysFromCivil(d.Year, d.Month, d.Day) - daysFromCivil(o.Year, o.Month, o.Day)
}

// In returns midnight at the start of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Time is midnight UTC at the start of the date.
func (d Date) Time() time.Time { return d.In(time.UTC) }

// MarshalText writes YYYY-MM-DD, or "" for the zero Date.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads YYYY-MM-DD; "" is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	*d = p
	return err
}
