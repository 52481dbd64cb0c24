package store_test

import (
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// River's tables are River's and differ by engine, so the same-schema test leaves them out;
// this one checks that its migrations ran with ours on each engine.
func TestJobTablesOnEveryEngine(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		for _, name := range []string{"river_job", "river_leader", "river_migration", "river_queue"} {
			if !st.DB().Migrator().HasTable(name) {
				t.Errorf("no table %s", name)
			}
		}
		var n int64
		if err := st.DB().Table("river_job").Count(&n).Error; err != nil || n != 0 {
			t.Errorf("river_job: %d rows, %v", n, err)
		}
	})
}
