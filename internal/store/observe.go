package store

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/ncruces/go-sqlite3"
)

// observer hands each statement the store's connections run to the function ObserveStatements
// was given, if any, as the database driver runs it: pgx's tracer on PostgreSQL, SQLite's own
// trace on SQLite. Whatever path a statement takes to the driver (gorm, database/sql, pgx
// directly, a batch), it is seen there. Without a function it costs an atomic load a statement.
type observer struct {
	f atomic.Pointer[func(context.Context, string)]
}

// ObserveStatements calls f with each statement the store's connections run from now on, and
// the context it runs in: for tests that count what an operation costs; nil stops. On SQLite
// it is each prepared statement as it begins, once more for each trigger it fires; what the
// driver runs without a prepared statement of its own (an Exec without arguments: BEGIN,
// COMMIT, pragmas) is not reported there. Every query is.
func (s *Store) ObserveStatements(f func(ctx context.Context, sql string)) {
	if f == nil {
		s.observer.f.Store(nil)
		return
	}
	s.observer.f.Store(&f)
}

func (o *observer) observe(ctx context.Context, sql string) {
	if f := o.f.Load(); f != nil {
		if ctx == nil {
			ctx = context.Background()
		}
		(*f)(ctx, sql)
	}
}

// TraceQueryStart reports a statement pgx runs on its own (Query, Exec, QueryRow).
func (o *observer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	o.observe(ctx, data.SQL)
	return ctx
}

func (o *observer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (o *observer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

// TraceBatchQuery reports each statement of a batch.
func (o *observer) TraceBatchQuery(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	o.observe(ctx, data.SQL)
}

func (o *observer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// traceSQLite reports each statement conn begins to run, in the context the driver runs it
// in (the connection's interrupt context).
func (o *observer) traceSQLite(conn *sqlite3.Conn) error {
	return conn.Trace(sqlite3.TRACE_STMT, func(_ sqlite3.TraceEvent, _, sql any) error {
		if text, ok := sql.(string); ok {
			o.observe(conn.GetInterrupt(), text)
		}
		return nil
	})
}
