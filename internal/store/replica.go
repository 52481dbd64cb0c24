package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"
)

// What goes where once a read replica is in use (UseReadReplica):
//
//   - to the replica: gorm reads (Find, Take, Count, Raw SELECT) made outside a transaction
//     by a context that does not ask for the primary;
//   - to the primary: every write; everything inside InTx (the transaction is begun on the
//     primary's pool and dbresolver leaves statements of a transaction alone); statements run
//     on Statement.ConnPool directly (copyFrom, insertRows, membersWhereAny), which is the
//     primary's pool or the transaction; migrations and River, which use the primary's
//     *sql.DB; the reads a security decision rests on (User, Client, signing keys: a signed
//     out, disabled or revoked caller must be refused at once); and every read of a context
//     marked by ReadFromPrimary (a request that may write, or a caller whose own write the
//     replica has not replayed yet).
//
// A replica that cannot answer never fails a read: the statement is asked of the primary,
// and a replica that could not be reached is left out until it answers again.

// replicaRecheck is how often a replica that failed is tried again.
const replicaRecheck = 2 * time.Second

// primaryKey marks a context whose reads must see the primary's latest state.
type primaryKey struct{}

// ReadFromPrimary returns ctx with every store read sent to the primary.
func (s *Store) ReadFromPrimary(ctx context.Context) context.Context { return onPrimary(ctx) }

func onPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, primaryKey{}, true)
}

func readsFromPrimary(ctx context.Context) bool {
	b, _ := ctx.Value(primaryKey{}).(bool)
	return b
}

// UseReadReplica sends reads to the PostgreSQL replica at url (see above). Call it after
// Migrate. The replica need not answer yet: until it does, reads go to the primary.
func (s *Store) UseReadReplica(url string, log *slog.Logger) error {
	if s.engine != Postgres {
		return errors.New("a read replica needs PostgreSQL")
	}
	db, err := sql.Open("pgx", withConnectTimeout(url))
	if err != nil {
		return fmt.Errorf("open read replica: %w", err)
	}
	setPool(db)
	r := &replica{db: db, primary: s.sqlDB, log: log, stop: make(chan struct{}), done: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), replicaRecheck)
	defer cancel()
	r.up.Store(db.PingContext(ctx) == nil)
	if !r.up.Load() {
		log.Warn("the read replica does not answer; reads go to the primary until it does")
	}
	// The replica pool is r itself, so that a failed read can be asked of the primary.
	err = s.db.Use(dbresolver.Register(dbresolver.Config{Replicas: []gorm.Dialector{postgres.New(postgres.Config{Conn: r})}}))
	if err != nil {
		_ = db.Close()
		return fmt.Errorf("read replica: %w", err)
	}
	s.replica = r
	go r.watch()
	return nil
}

// HasReadReplica reports whether reads go to a read replica.
func (s *Store) HasReadReplica() bool { return s.replica != nil }

// WALPosition is the primary's current write-ahead log position (an LSN such as 0/16B3748):
// once the replica has replayed it, the replica holds every write committed before now.
func (s *Store) WALPosition(ctx context.Context) (string, error) {
	var lsn string
	err := s.sqlDB.QueryRowContext(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsn)
	return lsn, err
}

// ReplicaHasReplayed reports whether the replica can answer reads that must see the writes up
// to lsn: it answers and has replayed past lsn. False for an unknown or invalid lsn.
func (s *Store) ReplicaHasReplayed(ctx context.Context, lsn string) bool {
	if s.replica == nil {
		return true
	}
	if !s.replica.up.Load() {
		return false
	}
	var ok sql.NullBool
	err := s.replica.db.QueryRowContext(ctx, "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", lsn).Scan(&ok)
	if err != nil {
		s.replica.failed(ctx, err)
		return false
	}
	return ok.Valid && ok.Bool
}

// replica is the pool dbresolver sends reads to: the replica's, falling back to the primary's.
type replica struct {
	db, primary *sql.DB
	up          atomic.Bool
	log         *slog.Logger
	stop, done  chan struct{}
}

var _ gorm.ConnPool = (*replica)(nil)

// watch tries a replica that failed every replicaRecheck, until close.
func (r *replica) watch() {
	defer close(r.done)
	t := time.NewTicker(replicaRecheck)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
		}
		if r.up.Load() {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), replicaRecheck)
		err := r.db.QueryRowContext(ctx, "SELECT 1").Scan(new(int))
		cancel()
		if err == nil && !r.up.Swap(true) {
			r.log.Info("the read replica answers again; reads go to it")
		}
	}
}

func (r *replica) close() error {
	close(r.stop)
	<-r.done
	return r.db.Close()
}

// use reports whether a statement of ctx goes to the replica.
func (r *replica) use(ctx context.Context) bool {
	return r.up.Load() && ctx.Err() == nil
}

// failed notes a statement the replica did not answer: when the replica could not be reached
// (or has no such database, or is shutting down), reads leave it until it answers again.
// Other errors (a statement cancelled by recovery, a write sent here) concern one statement.
func (r *replica) failed(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code[:2] {
		case "08", "28", "3D", "53", "57": // connection, authorization, database, resources, shutdown
		default:
			return
		}
	}
	if r.up.Swap(false) {
		r.log.Warn("the read replica failed; reads go to the primary until it answers again", "err", err)
	}
}

// QueryContext reads from the replica; what it cannot answer, the primary does.
func (r *replica) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if r.use(ctx) {
		rows, err := r.db.QueryContext(ctx, query, args...)
		if err == nil {
			return rows, nil
		}
		r.failed(ctx, err)
		if ctx.Err() != nil {
			return nil, err
		}
	}
	return r.primary.QueryContext(ctx, query, args...)
}

// QueryRowContext is QueryContext for one row.
func (r *replica) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if r.use(ctx) {
		row := r.db.QueryRowContext(ctx, query, args...)
		err := row.Err()
		if err == nil {
			return row
		}
		r.failed(ctx, err)
		if ctx.Err() != nil {
			return row
		}
	}
	return r.primary.QueryRowContext(ctx, query, args...)
}

// ExecContext runs on the primary: dbresolver routes a raw statement by its first word, and
// one that starts with SELECT can still write (a function call, an advisory lock).
func (r *replica) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.primary.ExecContext(ctx, query, args...)
}

// PrepareContext prepares on the primary, which can run any statement.
func (r *replica) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return r.primary.PrepareContext(ctx, query)
}
