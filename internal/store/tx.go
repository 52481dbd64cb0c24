package store

import (
	"context"

	"gorm.io/gorm"
)

// txKey carries the transaction a context's store calls run in.
type txKey struct{}

// InTx runs fn in one transaction: every store call made with the context fn is given
// runs in it. Inside another transaction it is a savepoint of that one.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
}

// conn is the connection for ctx: its transaction when there is one, else the pool.
func (s *Store) conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx.WithContext(ctx)
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
