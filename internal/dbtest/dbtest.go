// Package dbtest gives each test a freshly migrated database, on SQLite always and on
// PostgreSQL when RECERT_TEST_DATABASE_URL is set (one migrated template, cloned per test).
package dbtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver pgtestdb connects with
	"github.com/peterldowns/pgtestdb"
	"github.com/pressly/goose/v3"

	"github.com/recert-dev/recert/internal/store"
)

// EnvURL names the variable holding an administrative PostgreSQL URL for tests.
const EnvURL = "RECERT_TEST_DATABASE_URL"

// Engines lists the engines to test on. In CI (CI=true) PostgreSQL is required: a run that
// silently skipped it would prove nothing.
func Engines(t testing.TB) []store.Engine {
	t.Helper()
	if os.Getenv(EnvURL) != "" {
		return []store.Engine{store.SQLite, store.Postgres}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but %s is not set: the PostgreSQL tests cannot be skipped in CI", EnvURL)
	}
	return []store.Engine{store.SQLite}
}

// Each runs f once per engine, as a subtest named for the engine, with a fresh store.
func Each(t *testing.T, f func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(string(e), func(t *testing.T) { f(t, New(t, e)) })
	}
}

// New returns a migrated, empty store on engine e; it is closed and dropped after the test.
func New(t testing.TB, e store.Engine) *store.Store {
	t.Helper()
	var s *store.Store
	var err error
	switch e {
	case store.Postgres:
		s, err = store.OpenPostgres(PostgresURL(t))
	default:
		s, err = store.OpenSQLite(filepath.Join(t.TempDir(), "recert.db"))
		if err == nil {
			err = s.Migrate(context.Background())
		}
	}
	if err != nil {
		t.Fatalf("open %s test database: %v", e, err)
	}
	t.Cleanup(func() {
		if !t.Failed() {
			CheckCreditClasses(t, s)
		}
		_ = s.Close()
	})
	return s
}

// CheckCreditClasses fails t if an attendance's credit classes are not its sessions summed
// again from the sessions as they are (migration 00062): every test that writes attendance or
// sessions checks, when it ends, that each kind of write kept them. A database the test left
// unreadable (a fault injected) is not checked.
func CheckCreditClasses(t testing.TB, s *store.Store) {
	t.Helper()
	db, err := s.DB().DB()
	if err != nil {
		return
	}
	stale, err := StaleCreditClasses(db, s.DB().Dialector.Name() == "postgres")
	if err != nil {
		return
	}
	if len(stale) > 0 {
		t.Errorf("attendance %v: credit classes differ from the sessions summed again", stale)
	}
}

// StaleCreditClasses lists (up to 10) attendance whose credit classes are not its sessions
// summed again.
func StaleCreditClasses(db *sql.DB, postgres bool) ([]string, error) {
	query := staleClassesSQLite
	if postgres {
		query = staleClassesPostgres
	}
	rows, err := db.Query(query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

const (
	staleClassesPostgres = `SELECT a.id FROM attendance a
WHERE (SELECT COALESCE(jsonb_agg(c ORDER BY c::text), '[]') FROM jsonb_array_elements(a.credit_classes) c)
   IS DISTINCT FROM
      (SELECT COALESCE(jsonb_agg(c ORDER BY c::text), '[]') FROM (
           SELECT jsonb_build_object('d', s.date, 'c', s.category, 'u', x.ceus, 't', s.topics, 'a', s.approved_by,
                                     'n', COUNT(*), 's', MIN(s.id COLLATE "C")) AS c
           FROM jsonb_to_recordset(a.sessions) AS x (session_id text, ceus integer) JOIN sessions s ON s.id = x.session_id
           GROUP BY s.date, s.category, x.ceus, s.topics, s.approved_by) g)
ORDER BY a.id LIMIT 10`
	staleClassesSQLite = `SELECT a.id FROM attendance a
WHERE (SELECT COALESCE(group_concat(c, ' '), '') FROM (SELECT json(value) AS c FROM json_each(a.credit_classes) ORDER BY c))
   IS NOT (SELECT COALESCE(group_concat(c, ' '), '') FROM (
           SELECT json_object('d', s.date, 'c', s.category, 'u', json_extract(j.value, '$.ceus'), 't', s.topics,
                              'a', s.approved_by, 'n', COUNT(*), 's', MIN(s.id)) AS c
           FROM json_each(a.sessions) j JOIN sessions s ON s.id = json_extract(j.value, '$.session_id')
           GROUP BY s.date, s.category, json_extract(j.value, '$.ceus'), s.topics, s.approved_by ORDER BY c))
ORDER BY a.id LIMIT 10`
)

// PostgresURL clones the migrated template into a new database and returns its URL.
// It skips the test when RECERT_TEST_DATABASE_URL is not set (and fails it in CI).
func PostgresURL(t testing.TB) string {
	t.Helper()
	raw := os.Getenv(EnvURL)
	if raw == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is not set", EnvURL)
		}
		t.Skipf("%s is not set; skipping the PostgreSQL run", EnvURL)
	}
	conf, err := pgConfig(raw)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	return pgtestdb.Custom(t, conf, migrator{}).URL()
}

func pgConfig(raw string) (pgtestdb.Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return pgtestdb.Config{}, err
	}
	pass, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	q := u.Query()
	if !q.Has("sslmode") {
		q.Set("sslmode", "disable")
	}
	return pgtestdb.Config{
		DriverName: "pgx",
		User:       u.User.Username(),
		Password:   pass,
		Host:       u.Hostname(),
		Port:       port,
		Database:   u.Path[min(1, len(u.Path)):],
		Options:    q.Encode(),
	}, nil
}

// migrator builds pgtestdb's template with Recert's own PostgreSQL migrations; the template
// is rebuilt whenever a migration file changes.
type migrator struct{}

func (migrator) Hash() (string, error) {
	h := sha256.New()
	var err error
	for _, fsys := range []fs.FS{store.Migrations(store.Postgres), store.JobMigrations(store.Postgres)} {
		err = errors.Join(err, fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(fsys, path)
			h.Write([]byte(path))
			h.Write(b)
			return err
		}))
	}
	return hex.EncodeToString(h.Sum(nil)), err
}

func (migrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	return store.MigrateDB(ctx, db, store.Postgres)
}

// PostgresURLAt is PostgresURL for a database migrated up to version only (no job tables):
// the schema as it was, for benchmarks that compare against it.
func PostgresURLAt(t testing.TB, version int64) string {
	t.Helper()
	raw := os.Getenv(EnvURL)
	if raw == "" {
		t.Skipf("%s is not set; skipping the PostgreSQL run", EnvURL)
	}
	conf, err := pgConfig(raw)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	return pgtestdb.Custom(t, conf, migratorAt{version}).URL()
}

// migratorAt builds a template with the migrations up to a version.
type migratorAt struct{ version int64 }

func (m migratorAt) Hash() (string, error) {
	h, err := migrator{}.Hash()
	return h + "-at-" + strconv.FormatInt(m.version, 10), err
}

func (m migratorAt) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	p, err := goose.NewProvider(goose.DialectPostgres, db, store.Migrations(store.Postgres))
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, m.version)
	return err
}
