package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/ncruces/go-sqlite3/driver"
	_ "github.com/ncruces/go-sqlite3/embed"
	"github.com/pressly/goose/v3"

	"github.com/recert-dev/recert/internal/store"
)

// TestSQLiteActivitiesRebuildKeepsEverything: migration 9 rebuilds SQLite's activities table
// to allow category none; every activity, and the history and evidence that refer to one,
// must come through unchanged.
func TestSQLiteActivitiesRebuildKeepsEverything(t *testing.T) {
	ctx := context.Background()
	db, err := driver.Open("file:" + filepath.Join(t.TempDir(), "m.db") + "?_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectSQLite3, db, store.Migrations(store.SQLite))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 8); err != nil {
		t.Fatal(err)
	}
	exec(t, db, `INSERT INTO members (id, name, created_at, created_by, updated_at, updated_by)
		VALUES ('mem_1', 'Ada', '2025-01-01', 'x', '2025-01-01', 'x')`)
	exec(t, db, `INSERT INTO activities (id, member_id, type, date, ceus, category, title, topics, documentation_status,
		review_status, created_at, created_by, updated_at, updated_by)
		VALUES ('act_1', 'mem_1', 'publication', '2025-02-01', 500, 'I', 'Paper', 'ethics', 'none', 'pending', '2025-02-02', 'x', '2025-02-02', 'x')`)
	exec(t, db, `INSERT INTO history (id, activity_id, at, actor, action, after_state) VALUES ('hst_1', 'act_1', '2025-02-02', 'x', 'created', '{}')`)
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	var title, category, approvedBy string
	if err := db.QueryRow(`SELECT title, category, approved_by FROM activities WHERE id = 'act_1'`).Scan(&title, &category, &approvedBy); err != nil {
		t.Fatal(err)
	}
	if title != "Paper" || category != "I" || approvedBy != "" {
		t.Errorf("activity after migration: %q %q %q", title, category, approvedBy)
	}
	var orphans int
	if err := db.QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 {
		t.Errorf("%d rows refer to missing rows after the rebuild", orphans)
	}
	exec(t, db, `INSERT INTO activities (id, member_id, type, date, ceus, category, title, documentation_status,
		review_status, created_at, created_by, updated_at, updated_by, approved_by)
		VALUES ('act_2', 'mem_1', 'other', '2025-03-01', 200, 'none', 'State course', 'none', 'pending', '2025-03-02', 'x', '2025-03-02', 'x', 'us-nj-pac')`)
}

func exec(t *testing.T, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
