package store

import (
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/recert-dev/recert/internal/recert"
)

// date is how a recert.Date is kept: text both engines read as a date. The conversion lives
// here so the vocabulary knows nothing of SQL.
type date recert.Date

// Value stores the date as YYYY-MM-DD.
func (d date) Value() (driver.Value, error) { return recert.Date(d).String(), nil }

// DateValue gives pgx the date to send in binary: without it pgx tries binary with the text
// of Value, fails (building an error) and sends it again as text, for every parameter.
func (d date) DateValue() (pgtype.Date, error) {
	return pgtype.Date{Time: time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC), Valid: true}, nil
}

// Scan reads a date column from either engine (PostgreSQL gives time.Time, SQLite text).
func (d *date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = date(recert.DateOf(v.UTC()))
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	}
	return fmt.Errorf("cannot scan %T into a date", src)
}

func (d *date) scanText(s string) error {
	if len(s) > 10 {
		s = s[:10]
	}
	p, err := recert.ParseDate(s)
	*d = date(p)
	return err
}

// day returns the stored date as the vocabulary's.
func (d date) day() recert.Date { return recert.Date(d) }
