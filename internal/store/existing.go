package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNoSchema says a database holds no Recert schema: it is missing, empty, or another
// application's.
var ErrNoSchema = errors.New("no Recert database")

// OpenExisting opens a database that already holds Recert's schema, and creates nothing:
// no data directory, no SQLite file, no table. Administrative commands use it, so that one
// pointed at the wrong directory or database says so instead of leaving an empty database
// behind.
func OpenExisting(ctx context.Context, databaseURL, dataDir string) (*Store, error) {
	var s *Store
	var err error
	where := "RECERT_DATABASE_URL"
	if databaseURL != "" {
		s, err = OpenPostgres(databaseURL)
	} else {
		path := filepath.Join(dataDir, "recert.db")
		where = path + " (RECERT_DATA_DIR " + dataDir + ")"
		if fi, serr := os.Stat(path); serr != nil || fi.Size() == 0 {
			return nil, noSchema(where)
		}
		s, err = openSQLite(path, "rw") // rw: never create the file
	}
	if err != nil {
		return nil, err
	}
	ok, err := s.hasSchema(ctx)
	if err != nil || !ok {
		_ = s.Close()
		if err == nil {
			err = noSchema(where)
		}
		return nil, err
	}
	return s, nil
}

func noSchema(where string) error {
	return fmt.Errorf("%w in %s: start the service once to create one, or point the variable at the service's", ErrNoSchema, where)
}

// hasSchema reports whether Recert's migrations have run on the database: goose's version
// table and the users table exist.
func (s *Store) hasSchema(ctx context.Context) (bool, error) {
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('goose_db_version', 'users')`
	if s.engine == Postgres {
		q = `SELECT (to_regclass('goose_db_version') IS NOT NULL)::int + (to_regclass('users') IS NOT NULL)::int`
	}
	var n int
	if err := s.sqlDB.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return false, fmt.Errorf("look for Recert's schema: %w", TranslateError(err, "schema"))
	}
	return n == 2, nil
}
