package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// What a database that does not answer may cost a caller (PostgreSQL; see the README's
// "A database that hangs"):
//
//   - a connection from the pool within PoolAcquireTimeout, and never more than half the
//     time the caller has left, so a pool whose every connection waits on a silent database
//     turns the requests queued behind it away early (503) instead of at their deadline;
//   - a transaction begun for a caller with a deadline (an API request, a job) runs with
//     SET LOCAL statement_timeout a little under the time it has left, so the server gives
//     up a statement, and its locks, before the caller has answered 503 and gone;
//   - every statement ends, on the client side, at the caller's deadline.
//
// Callers without a deadline (migrations, `recert admin`) wait as long as the work takes.

// PoolAcquireTimeout is the longest a statement or transaction waits for a connection.
const PoolAcquireTimeout = 5 * time.Second

// acquireBudget is how long a caller with ctx waits for a connection.
func acquireBudget(ctx context.Context) time.Duration {
	d := PoolAcquireTimeout
	if dl, ok := ctx.Deadline(); ok {
		d = min(d, time.Until(dl)/2)
	}
	return d
}

// statementBudget is the statement_timeout of a transaction begun with ctx: nine tenths of
// the time left, so the server cancels before the caller's own deadline; false without a
// deadline.
func statementBudget(ctx context.Context) (time.Duration, bool) {
	dl, ok := ctx.Deadline()
	if !ok {
		return 0, false
	}
	left := time.Until(dl)
	return max(left-left/10, time.Millisecond), true
}

// setStatementTimeout sets the statement timeout of the transaction tx for ctx.
func setStatementTimeout(ctx context.Context, tx *gorm.DB) error {
	d, ok := statementBudget(ctx)
	if !ok {
		return nil
	}
	return tx.Exec("SELECT set_config('statement_timeout', ?, true)", fmt.Sprintf("%dms", d.Milliseconds())).Error
}

// boundedPool is PostgreSQL's pool as gorm uses it: each statement run outside a
// transaction, and each transaction, first takes a connection within acquireBudget.
type boundedPool struct{ db *sql.DB }

var (
	_ gorm.ConnPool       = boundedPool{}
	_ gorm.TxBeginner     = boundedPool{}
	_ gorm.GetDBConnector = boundedPool{}
)

// conn takes a connection from the pool within acquireBudget.
func (p boundedPool) conn(ctx context.Context) (*sql.Conn, error) {
	d := acquireBudget(ctx)
	actx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	c, err := p.db.Conn(actx)
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		return nil, fmt.Errorf("no database connection free within %v: %w", d.Round(time.Millisecond), actx.Err())
	}
	return c, err
}

func (p boundedPool) GetDBConn() (*sql.DB, error) { return p.db, nil }

// Ping lets gorm.Open check the server answers, as it does with a plain pool.
func (p boundedPool) Ping() error { return p.db.Ping() }

// PrepareContext prepares on the pool: gorm prepares only with PrepareStmt, which the store
// does not use.
func (p boundedPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.db.PrepareContext(ctx, query)
}

func (p boundedPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c, err := p.conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.ExecContext(ctx, query, args...)
}

// QueryContext returns rows that hold their connection: it goes back to the pool when they
// are closed (Conn.Close waits for them).
func (p boundedPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c, err := p.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := c.QueryContext(ctx, query, args...)
	if err != nil {
		c.Close()
		return nil, err
	}
	go c.Close()
	return rows, nil
}

func (p boundedPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c, err := p.conn(ctx)
	if err != nil {
		// A Row carries an error only from database/sql: past the acquire budget, a context
		// already done gives it one; otherwise the pool is asked again, for its own error.
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			done, cancel := context.WithDeadline(ctx, time.Time{})
			defer cancel()
			ctx = done
		}
		return p.db.QueryRowContext(ctx, query, args...)
	}
	row := c.QueryRowContext(ctx, query, args...)
	go c.Close()
	return row
}

// BeginTx begins a transaction on a connection taken within acquireBudget; the connection
// goes back to the pool when the transaction ends.
func (p boundedPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	c, err := p.conn(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := c.BeginTx(ctx, opts)
	if err != nil {
		c.Close()
		return nil, err
	}
	go c.Close()
	return tx, nil
}
