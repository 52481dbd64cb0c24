package ledger

import "context"

// Transactor runs fn in one database transaction: whatever fn writes through the
// repositories with the context it is given commits together, or not at all when fn returns
// an error. Transactions nest (an inner one is a savepoint).
type Transactor interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}
