package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"time"

	sqlite3driver "github.com/ncruces/go-sqlite3/driver"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"gorm.io/gorm"
)

// JobDriver is the River driver for the store's engine: a job inserted with the *sql.Tx of a
// store transaction (see SQLTx) commits or rolls back with the change that caused it.
//
// On PostgreSQL River shares the store's pool. On SQLite River gets a pool of its own with one
// connection, as its SQLite driver asks, to the same file; close it with the returned func.
func (s *Store) JobDriver() (riverdriver.Driver[*sql.Tx], func() error, error) {
	if s.engine == Postgres {
		return riverdatabasesql.New(s.sqlDB), func() error { return nil }, nil
	}
	pool, err := sqlite3driver.Open(s.dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("open job pool: %w", err)
	}
	pool.SetMaxOpenConns(1)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return riversqlite.New(pool), pool.Close, nil
}

// SQLTx is the database transaction ctx's store calls run in, or nil outside InTx.
func (s *Store) SQLTx(ctx context.Context) *sql.Tx {
	tx, ok := ctx.Value(txKey{}).(*gorm.DB)
	if !ok {
		return nil
	}
	sqlTx, _ := tx.Statement.ConnPool.(*sql.Tx)
	return sqlTx
}

// JobMigrations are River's own migrations for engine e, which Migrate applies after ours.
func JobMigrations(e Engine) fs.FS {
	if e == SQLite {
		return riversqlite.New(nil).GetMigrationFS(riverdriver.MigrationLineMain)
	}
	return riverdatabasesql.New(nil).GetMigrationFS(riverdriver.MigrationLineMain)
}

// migrateRiver applies River's own migrations, which create its job tables.
func migrateRiver(ctx context.Context, db *sql.DB, e Engine) error {
	var driver riverdriver.Driver[*sql.Tx] = riverdatabasesql.New(db)
	if e == SQLite {
		driver = riversqlite.New(db)
	}
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return fmt.Errorf("job migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("job migrations on %s: %w", e, err)
	}
	return nil
}
