// Package store keeps Recert's data in the embedded SQLite or in PostgreSQL, through gorm:
// the repositories internal/ledger declares, migrations per engine, and one translation of
// driver errors. It does I/O only; the rules it stores by live in internal/recert and the
// use cases in internal/ledger.
package store

import (
	"context"
	"database/sql"
	"fmt"
	neturl "net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	sqlite3driver "github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/gormlite"
	"github.com/pressly/goose/v3"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Engine names a storage engine.
type Engine string

// The two engines Recert runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Store is the database behind Recert.
type Store struct {
	db     *gorm.DB
	sqlDB  *sql.DB
	engine Engine
	goose  *goose.Provider
	dsn    string // of the SQLite file, for River's own pool
	// replica, when set (UseReadReplica), is where dbresolver sends reads.
	replica  *replica
	bound    boundQueries // raw query texts as the engine reads them (rows)
	observer *observer    // ObserveStatements
}

// Open connects to PostgreSQL when databaseURL is set, otherwise to the SQLite file
// recert.db in dataDir (created when missing). It does not migrate.
func Open(databaseURL, dataDir string) (*Store, error) {
	if databaseURL != "" {
		return OpenPostgres(databaseURL)
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	return OpenSQLite(filepath.Join(dataDir, "recert.db"))
}

// OpenSQLite opens (creating if needed) an SQLite database file with the settings Recert
// relies on: foreign keys enforced, WAL so readers never wait for the writer, a busy timeout
// instead of immediate "database is locked" errors, and write transactions that take the
// write lock when they begin (so two writers queue rather than deadlock on lock upgrade).
func OpenSQLite(path string) (*Store, error) { return openSQLite(path, "rwc") }

// openSQLite opens path in mode rwc (created when missing) or rw (must exist).
func openSQLite(path, mode string) (*Store, error) {
	dsn := "file:" + filepath.ToSlash(path) + "?mode=" + mode +
		"&_pragma=foreign_keys(1)&_pragma=journal_mode(wal)&_pragma=busy_timeout(10000)" +
		"&_pragma=synchronous(normal)&_txlock=immediate"
	obs := &observer{}
	sqlDB, err := sqlite3driver.Open(dsn, obs.traceSQLite)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	db, err := gorm.Open(gormlite.OpenDB(sqlDB), gormConfig())
	if err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// One file, one writer at a time: a small pool keeps readers concurrent without
	// queueing many writers on the busy timeout.
	sqlDB.SetMaxOpenConns(4)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	s, err := newStore(db, sqlDB, SQLite, obs)
	if s != nil {
		s.dsn = dsn
	}
	return s, err
}

// OpenPostgres connects to PostgreSQL at url. Without a connect_timeout in url, a new
// connection gives up after connectTimeout, so an unreachable server is an answer (503), not
// a request that hangs until the client gives up.
//
// gorm takes connections through boundedPool (see budget.go): within PoolAcquireTimeout.
func OpenPostgres(url string) (*Store, error) {
	config, err := pgx.ParseConfig(withConnectTimeout(url))
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	obs := &observer{}
	config.Tracer = obs
	sqlDB := stdlib.OpenDB(*config)
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: boundedPool{sqlDB}}), gormConfig())
	if err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	setPool(sqlDB)
	return newStore(db, sqlDB, Postgres, obs)
}

// Pool settings of PostgreSQL (primary and read replica). Idle equals open, so a burst that
// uses every connection does not close and reopen them once it passes (under overload the
// service opened 55 to 113 connections a minute with 10 idle of 20); a connection lives at
// most PoolLifetime, so PostgreSQL's per-backend caches and a failover's new address are
// picked up, and closes after PoolIdleTime unused, so a quiet service holds few.
const (
	PoolOpen     = 20
	PoolLifetime = 30 * time.Minute
	PoolIdleTime = 10 * time.Minute
)

func setPool(db *sql.DB) {
	db.SetMaxOpenConns(PoolOpen)
	db.SetMaxIdleConns(PoolOpen)
	db.SetConnMaxLifetime(PoolLifetime)
	db.SetConnMaxIdleTime(PoolIdleTime)
}

// connectTimeout bounds how long opening one connection to PostgreSQL may take.
const connectTimeout = 5 * time.Second

func withConnectTimeout(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil || u.Query().Has("connect_timeout") {
		return raw
	}
	q := u.Query()
	q.Set("connect_timeout", strconv.Itoa(int(connectTimeout.Seconds())))
	u.RawQuery = q.Encode()
	return u.String()
}

func newStore(db *gorm.DB, sqlDB *sql.DB, e Engine, obs *observer) (*Store, error) {
	p, err := newProvider(sqlDB, e)
	if err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return &Store{db: db, sqlDB: sqlDB, engine: e, goose: p, observer: obs}, nil
}

func gormConfig() *gorm.Config {
	return &gorm.Config{
		// Statements can carry personal data; failures surface as errors instead.
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		TranslateError:         false,
	}
}

// Engine reports which engine the store runs on.
func (s *Store) Engine() Engine { return s.engine }

// DB exposes the gorm handle to this package's repositories and to tests.
func (s *Store) DB() *gorm.DB { return s.db }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", s.engine, err)
	}
	return nil
}

// Close releases the connections.
func (s *Store) Close() error {
	if s == nil || s.sqlDB == nil {
		return nil
	}
	if s.replica != nil {
		_ = s.replica.close()
	}
	return s.sqlDB.Close()
}
