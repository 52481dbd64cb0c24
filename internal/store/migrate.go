package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations
var migrations embed.FS

// Migrations returns the SQL migrations of one engine.
func Migrations(e Engine) fs.FS {
	sub, err := fs.Sub(migrations, "migrations/"+string(e))
	if err != nil {
		panic(err) // the folders are embedded; a missing one is a build defect
	}
	return sub
}

// MigrateDB applies every pending migration of engine e to db.
func MigrateDB(ctx context.Context, db *sql.DB, e Engine) error {
	p, err := newProvider(db, e)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", e, err)
	}
	return inTurn(ctx, db, e, func() error { return migrateRiver(ctx, db, e) })
}

func newProvider(db *sql.DB, e Engine) (*goose.Provider, error) {
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if e == Postgres {
		dialect = goose.DialectPostgres
		// Instances starting together take turns: one migrates, the others find it done.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db, Migrations(e), opts...)
	if err != nil {
		return nil, fmt.Errorf("load %s migrations: %w", e, err)
	}
	return p, nil
}

// Migrate applies every pending migration.
func (s *Store) Migrate(ctx context.Context) error {
	if _, err := s.goose.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", s.engine, err)
	}
	return inTurn(ctx, s.sqlDB, s.engine, func() error {
		if err := migrateRiver(ctx, s.sqlDB, s.engine); err != nil {
			return err
		}
		return backfillSearch(ctx, s.db)
	})
}

// afterMigrationsLock names the PostgreSQL advisory lock that instances starting together
// hold in turn for what follows goose's own migrations (River's, which take no lock, and
// the search backfill), so that they never run them at once.
const afterMigrationsLock = "recert: after migrations"

// inTurn runs fn holding afterMigrationsLock on PostgreSQL (a session lock, on a connection
// of its own); SQLite is one process's file.
func inTurn(ctx context.Context, db *sql.DB, e Engine, fn func() error) error {
	if e != Postgres {
		return fn()
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(hashtextextended($1, 0))", afterMigrationsLock); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(hashtextextended($1, 0))", afterMigrationsLock)
	}()
	return fn()
}

// MigrationState is one migration and whether it has been applied.
type MigrationState struct {
	Version int64
	Source  string
	Applied bool
}

// MigrationStatus lists every migration and whether it has been applied.
func (s *Store) MigrationStatus(ctx context.Context) ([]MigrationState, error) {
	status, err := s.goose.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]MigrationState, 0, len(status))
	for _, st := range status {
		out = append(out, MigrationState{
			Version: st.Source.Version,
			Source:  st.Source.Path,
			Applied: st.State == goose.StateApplied,
		})
	}
	return out, nil
}

// SchemaVersion is the latest migration applied to the database.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	v, err := s.goose.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}
