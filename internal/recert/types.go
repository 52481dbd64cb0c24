package recert

import (
	"crypto/rand"
	"database/sql/driver"
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

// Date is a calendar date without a time zone, stored and written as YYYY-MM-DD.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return DateOf(t), nil
}

// DateOf is the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Time is midnight UTC at the start of the date.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Value stores the date as text both engines read as a date.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a date column from either engine (PostgreSQL gives time.Time, SQLite text).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = DateOf(v.UTC())
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	}
	return fmt.Errorf("cannot scan %T into a date", src)
}

func (d *Date) scanText(s string) error {
	if len(s) > 10 {
		s = s[:10]
	}
	p, err := ParseDate(s)
	*d = p
	return err
}
