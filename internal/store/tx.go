package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"
)

// txKey carries the transaction a context's store calls run in; connKey, on PostgreSQL, the
// connection it runs on.
type (
	txKey   struct{}
	connKey struct{}
)

// InTx runs fn in one transaction: every store call made with the context fn is given
// runs in it. Inside another transaction it is a savepoint of that one. On PostgreSQL the
// transaction holds its own connection, taken within the pool acquire timeout, which
// copyFrom reaches for COPY; its statements time out a little before ctx's deadline (see
// budget.go).
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, inTx := ctx.Value(txKey{}).(*gorm.DB); inTx || s.engine != Postgres {
		return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
			return fn(context.WithValue(ctx, txKey{}, tx))
		})
	}
	c, err := boundedPool{s.sqlDB}.conn(ctx)
	if err != nil {
		return TranslateError(err, "connection")
	}
	defer c.Close()
	db := s.db.WithContext(ctx)
	db.Statement.ConnPool = c
	ctx = context.WithValue(ctx, connKey{}, c)
	return db.Transaction(func(tx *gorm.DB) error {
		if err := setStatementTimeout(ctx, tx); err != nil {
			return TranslateError(err, "statement timeout")
		}
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
}

// copyFrom writes rows into table's columns with COPY, in the context's transaction; false
// when that is not possible (SQLite, or a transaction begun otherwise than by InTx).
func (s *Store) copyFrom(ctx context.Context, table string, columns []string, rows [][]any) (bool, error) {
	c, ok := ctx.Value(connKey{}).(*sql.Conn)
	if !ok {
		return false, nil
	}
	if len(rows) == 0 {
		return true, nil
	}
	err := c.Raw(func(driverConn any) error {
		pc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy into %s: a %T is not a pgx connection", table, driverConn)
		}
		_, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
		return err
	})
	return true, err
}

// conn is the connection for ctx: its transaction when there is one, else the pool, whose
// reads go to the read replica unless ctx asks for the primary (see replica.go).
func (s *Store) conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx.WithContext(ctx)
	}
	if s.replica != nil && readsFromPrimary(ctx) {
		return s.db.WithContext(ctx).Clauses(dbresolver.Write)
	}
	return s.db.WithContext(ctx)
}

// Locked runs fn in one transaction that holds the database-wide lock name, so that
// instances sharing the database take turns at it (the first administrator, a request's
// Idempotency-Key). On SQLite every write transaction already excludes the others.
func (s *Store) Locked(ctx context.Context, name string, fn func(ctx context.Context) error) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.lock(ctx, name); err != nil {
			return err
		}
		return fn(ctx)
	})
}

// lock takes the transaction-scoped lock name (PostgreSQL advisory lock).
func (s *Store) lock(ctx context.Context, name string) error {
	if s.engine != Postgres {
		return nil
	}
	return TranslateError(s.conn(ctx).Exec("SELECT pg_advisory_xact_lock(hashtextextended(CAST(? AS text), 0))", name).Error, "lock")
}
