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
