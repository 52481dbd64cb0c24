package store

import (
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/recert-dev/recert/internal/recert"
)

// Nullable columns of the reads that go row by row (Store.read). Each reads through either
// driver: pgx decodes into it directly (ScanText, ScanInt64, ScanDate), where database/sql
// would first box every column into a driver.Value and then convert it; database/sql
// (SQLite, a transaction, a read replica) through Scan, as its sql.Null types read.

// textColumn is a nullable text column.
type textColumn struct {
	String string
	Valid  bool
}

func (t *textColumn) ScanText(v pgtype.Text) error {
	t.String, t.Valid = v.String, v.Valid
	return nil
}

func (t *textColumn) Scan(src any) error {
	var n sql.NullString
	err := n.Scan(src)
	t.String, t.Valid = n.String, n.Valid
	return err
}

// intColumn is a nullable integer column.
type intColumn struct {
	Int64 int64
	Valid bool
}

func (i *intColumn) ScanInt64(v pgtype.Int8) error {
	i.Int64, i.Valid = v.Int64, v.Valid
	return nil
}

func (i *intColumn) Scan(src any) error {
	var n sql.NullInt64
	err := n.Scan(src)
	i.Int64, i.Valid = n.Int64, n.Valid
	return err
}

// dateColumn is a nullable date column.
type dateColumn struct {
	V     date
	Valid bool
}

func (d *dateColumn) ScanDate(v pgtype.Date) error {
	if v.Valid && v.InfinityModifier != pgtype.Finite {
		return fmt.Errorf("cannot read an infinite date")
	}
	*d = dateColumn{Valid: v.Valid}
	if v.Valid {
		d.V = date(recert.DateOf(v.Time))
	}
	return nil
}

func (d *dateColumn) Scan(src any) error {
	var n sql.Null[date]
	err := n.Scan(src)
	d.V, d.Valid = n.V, n.Valid
	return err
}

// day is the column's date, the zero Date when NULL.
func (d dateColumn) day() recert.Date {
	if !d.Valid {
		return recert.Date{}
	}
	return recert.Date(d.V)
}
