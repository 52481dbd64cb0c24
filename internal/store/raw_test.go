package store

import (
	"reflect"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/recert-dev/recert/internal/recert"
)

// TestBindAsGormBuilds compares bind with gorm's own build of the same raw query on
// PostgreSQL (its dry run), text and arguments, and checks that what gorm must read is left
// to it.
func TestBindAsGormBuilds(t *testing.T) {
	db, err := gorm.Open(postgres.New(postgres.Config{DSN: "host=127.0.0.1 dbname=none"}),
		&gorm.Config{DryRun: true, DisableAutomaticPing: true})
	if err != nil {
		t.Fatal(err)
	}
	day := date(recert.Date{Year: 2025, Month: 3, Day: 1})
	cases := []struct {
		query string
		args  []any
	}{
		{"SELECT 1", nil},
		{"SELECT * FROM m WHERE id = ? AND d >= ?", []any{"m1", day}},
		{"SELECT * FROM m WHERE id = ? AND org IN ? AND x IN ? AND n = ?", []any{"m1", []string{"a", "b", "c"}, []string{"d"}, 7}},
		{"SELECT * FROM m WHERE org IN ? OR id = ?", []any{[]string{}, "m2"}},
		{"SELECT * FROM m WHERE d <= ? AND p = ?", []any{(*date)(nil), true}},
	}
	var b boundQueries
	for _, c := range cases {
		want := db.Raw(c.query, c.args...).Statement
		for range 2 { // bound, then kept
			got, flat, ok := b.bind(c.query, c.args, true)
			if !ok {
				t.Fatalf("%q: left to gorm", c.query)
			}
			if got != want.SQL.String() {
				t.Errorf("%q: bound as %q, gorm builds %q", c.query, got, want.SQL.String())
			}
			if len(flat) != len(want.Vars) || len(flat) > 0 && !reflect.DeepEqual(flat, want.Vars) {
				t.Errorf("%q: arguments %v, gorm's %v", c.query, flat, want.Vars)
			}
		}
		if got, flat, _ := b.bind(c.query, c.args, false); len(flat) != len(want.Vars) || strCount(got, '?') != len(flat) {
			t.Errorf("%q on SQLite: %q with %d arguments", c.query, got, len(flat))
		}
	}
	for _, c := range []struct {
		query string
		args  []any
	}{
		{"SELECT * FROM m WHERE id = @id", []any{map[string]any{"id": "m1"}}},
		{"SELECT * FROM m WHERE id = ? AND x = '?'", []any{"m1"}},
		{"SELECT * FROM m WHERE n IN ?", []any{[]int{1, 2}}},
		{"SELECT * FROM m WHERE c = ?", []any{clause.Expr{SQL: "NOW()"}}},
	} {
		if _, _, ok := b.bind(c.query, c.args, true); ok {
			t.Errorf("%q: bound, gorm must read it", c.query)
		}
	}
}

func strCount(s string, c byte) (n int) {
	for i := range len(s) {
		if s[i] == c {
			n++
		}
	}
	return n
}
