package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ncruces/go-sqlite3/driver"
	"github.com/pressly/goose/v3"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestAttendanceSessionsMoveIntoTheArray: migration 12 moves each attendance's session rows
// into its sessions array and back down, keeping every credit; the triggers that replace the
// old keys refuse what those keys refused (and a session of another event).
func TestAttendanceSessionsMoveIntoTheArray(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			db, dialect := openAt11(t, e)
			p, err := goose.NewProvider(dialect, db, store.Migrations(e))
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				`INSERT INTO organizations (id, name, code, created_at, created_by, updated_at, updated_by) VALUES ('org_1', 'Org', 'ORG', '2025-01-01', 'x', '2025-01-01', 'x')`,
				`INSERT INTO members (id, name, created_at, created_by, updated_at, updated_by) VALUES ('mem_1', 'Ada', '2025-01-01', 'x', '2025-01-01', 'x')`,
				`INSERT INTO members (id, name, created_at, created_by, updated_at, updated_by) VALUES ('mem_2', 'Bo', '2025-01-01', 'x', '2025-01-01', 'x')`,
				`INSERT INTO events (id, organization_id, title, format, time_zone, start_date, end_date, status, category, created_at, created_by, updated_at, updated_by)
				 VALUES ('evt_1', 'org_1', 'Meeting', 'in_person', 'UTC', '2025-03-01', '2025-03-01', 'published', 'I', '2025-01-01', 'x', '2025-01-01', 'x')`,
				`INSERT INTO events (id, organization_id, title, format, time_zone, start_date, end_date, status, category, created_at, created_by, updated_at, updated_by)
				 VALUES ('evt_2', 'org_1', 'Other', 'in_person', 'UTC', '2025-03-01', '2025-03-01', 'published', 'I', '2025-01-01', 'x', '2025-01-01', 'x')`,
				`INSERT INTO sessions (id, event_id, position, title, date, ceus, code) VALUES ('ses_a', 'evt_1', 0, 'A', '2025-03-01', 100, 'S1')`,
				`INSERT INTO sessions (id, event_id, position, title, date, ceus, code) VALUES ('ses_b', 'evt_1', 1, 'B', '2025-03-01', 150, 'S2')`,
				`INSERT INTO sessions (id, event_id, position, title, date, ceus, code) VALUES ('ses_c', 'evt_1', 2, 'C', '2025-03-01', 50, 'S3')`,
				`INSERT INTO sessions (id, event_id, position, title, date, ceus, code) VALUES ('ses_x', 'evt_2', 0, 'X', '2025-03-01', 50, 'S1')`,
				`INSERT INTO attendance (id, event_id, member_id, ceus_awarded, version, created_at, created_by, updated_at, updated_by)
				 VALUES ('att_1', 'evt_1', 'mem_1', 0, 1, '2025-03-02', 'x', '2025-03-02', 'x')`,
				`INSERT INTO attendance (id, event_id, member_id, ceus_awarded, version, created_at, created_by, updated_at, updated_by)
				 VALUES ('att_2', 'evt_1', 'mem_2', 300, 1, '2025-03-02', 'x', '2025-03-02', 'x')`,
				`INSERT INTO attendance_sessions (attendance_id, session_id, member_id, ceus) VALUES ('att_1', 'ses_c', 'mem_1', 50)`,
				`INSERT INTO attendance_sessions (attendance_id, session_id, member_id, ceus) VALUES ('att_1', 'ses_a', 'mem_1', 100)`,
			} {
				exec(t, db, q)
			}
			want := []string{"att_1 ses_a mem_1 100", "att_1 ses_c mem_1 50"}
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, credits(t, db)); diff != "" {
				t.Errorf("credits after migrating up (-before +after):\n%s", diff)
			}
			var arr string
			if err := db.QueryRow(`SELECT sessions FROM attendance WHERE id = 'att_1'`).Scan(&arr); err != nil {
				t.Fatal(err)
			}
			if strings.Index(arr, "ses_a") > strings.Index(arr, "ses_c") {
				t.Errorf("sessions %s are not in the event's order", arr)
			}
			// Migration 62 sums each attendance's sessions into its credit classes.
			var classes string
			if err := db.QueryRow(`SELECT credit_classes FROM attendance WHERE id = 'att_1'`).Scan(&classes); err != nil {
				t.Fatal(err)
			}
			if stale, err := dbtest.StaleCreditClasses(db, e == store.Postgres); err != nil || len(stale) > 0 || strings.Count(classes, `"n"`) != 2 {
				t.Errorf("credit classes after migrating up: %s; stale %v, %v", classes, stale, err)
			}
			for name, q := range map[string]string{
				"a session of another event":     `UPDATE attendance SET sessions = '[{"session_id":"ses_x","ceus":50}]' WHERE id = 'att_2'`,
				"a session listed twice":         `UPDATE attendance SET sessions = '[{"session_id":"ses_b","ceus":150},{"session_id":"ses_b","ceus":150}]' WHERE id = 'att_2'`,
				"no CEUs":                        `UPDATE attendance SET sessions = '[{"session_id":"ses_b","ceus":0}]' WHERE id = 'att_2'`,
				"an unknown session":             `UPDATE attendance SET sessions = '[{"session_id":"ses_zzz","ceus":50}]' WHERE id = 'att_2'`,
				"a second attendance":            `INSERT INTO attendance (id, event_id, member_id, sessions, ceus_awarded, version, created_at, created_by, updated_at, updated_by) VALUES ('att_3', 'evt_1', 'mem_1', '[{"session_id":"ses_b","ceus":150}]', 0, 1, '2025-03-02', 'x', '2025-03-02', 'x')`,
				"an attended session's deletion": `DELETE FROM sessions WHERE id = 'ses_c'`,
			} {
				if _, err := db.Exec(q); err == nil {
					t.Errorf("%s was accepted", name)
				}
			}
			exec(t, db, `UPDATE attendance SET sessions = '[{"session_id":"ses_b","ceus":150}]' WHERE id = 'att_2'`)
			exec(t, db, `UPDATE attendance SET sessions = '[]' WHERE id = 'att_2'`)
			exec(t, db, `DELETE FROM sessions WHERE id = 'ses_b'`)
			if _, err := p.DownTo(ctx, 11); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, credits(t, db)); diff != "" {
				t.Errorf("credits after migrating down (-before +after):\n%s", diff)
			}
		})
	}
}

// openAt11 opens a database of engine e migrated up to version 11.
func openAt11(t *testing.T, e store.Engine) (*sql.DB, goose.Dialect) {
	t.Helper()
	if e == store.Postgres {
		db, err := sql.Open("pgx", dbtest.PostgresURLAt(t, 11))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		return db, goose.DialectPostgres
	}
	db, err := driver.Open("file:" + filepath.Join(t.TempDir(), "m.db") + "?_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	p, err := goose.NewProvider(goose.DialectSQLite3, db, store.Migrations(store.SQLite))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), 11); err != nil {
		t.Fatal(err)
	}
	return db, goose.DialectSQLite3
}

// credits lists the rows of attendance_sessions (a table, or the view that replaced it).
func credits(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT attendance_id, session_id, member_id, ceus FROM attendance_sessions`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a, s, m, c string
		if err := rows.Scan(&a, &s, &m, &c); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.Join([]string{a, s, m, c}, " "))
	}
	slices.Sort(out)
	return out
}
