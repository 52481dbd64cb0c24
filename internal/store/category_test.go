package store_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// The categories the contract offers for events (EventCategory), sessions and activities
// (Category) are exactly those the database's CHECK constraints allow, on both engines.
func TestCategoryCheckMatchesContract(t *testing.T) {
	spec, err := api.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	enum := func(schema string) []string {
		var out []string
		for _, v := range spec.Components.Schemas[schema].Value.Enum {
			out = append(out, v.(string))
		}
		slices.Sort(out)
		return out
	}
	// Sessions and activities may be of no ABCP category; an event never is.
	want := map[string][]string{"events": enum("EventCategory"), "sessions": enum("Category"), "activities": enum("Category")}
	if !slices.Contains(want["sessions"], "none") || slices.Contains(want["events"], "none") || len(want["events"]) == 0 {
		t.Fatalf("the contract's categories: %v", want)
	}
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		for table, w := range want {
			got := categoryCheck(t, st, table)
			slices.Sort(got)
			if !slices.Equal(got, w) {
				t.Errorf("%s: %s allows categories %v, the contract %v", st.Engine(), table, got, w)
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
