package store_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// The categories the contract offers for events, sessions and activities are exactly those
// the database's CHECK constraints allow, on both engines.
func TestCategoryCheckMatchesContract(t *testing.T) {
	spec, err := api.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, v := range spec.Components.Schemas["Category"].Value.Enum {
		want = append(want, v.(string))
	}
	slices.Sort(want)
	if !slices.Contains(want, "none") {
		t.Fatalf("the contract's categories %v: want none among them", want)
	}
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		for _, table := range []string{"events", "sessions", "activities"} {
			got := categoryCheck(t, st, table)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s: %s allows categories %v, the contract %v", st.Engine(), table, got, want)
			}
		}
	})
}

var (
	sqliteCategoryCheck = regexp.MustCompile(`(?i)CHECK\s*\(\s*"?category"?\s+IN\s*\(([^)]*)\)`)
	quoted              = regexp.MustCompile(`'([^']*)'`)
)

// categoryCheck returns the values the CHECK on table.category allows.
func categoryCheck(t *testing.T, st *store.Store, table string) []string {
	t.Helper()
	var def string
	if st.Engine() == store.Postgres {
		err := st.DB().Raw(`SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
WHERE r.relname = ? AND c.contype = 'c' AND pg_get_constraintdef(c.oid) LIKE '%category%'`, table).Scan(&def).Error
		if err != nil || def == "" {
			t.Fatalf("%s: no category check (%v)", table, err)
		}
	} else {
		var sql string
		if err := st.DB().Raw(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).Scan(&sql).Error; err != nil {
			t.Fatal(err)
		}
		m := sqliteCategoryCheck.FindStringSubmatch(sql)
		if m == nil {
			t.Fatalf("%s: no category check in %s", table, sql)
		}
		def = m[1]
	}
	var out []string
	for _, m := range quoted.FindAllStringSubmatch(def, -1) {
		out = append(out, m[1])
	}
	return out
}
