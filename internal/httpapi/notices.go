package httpapi

import (
	"context"

	"github.com/recert-dev/recert/internal/ledger"
)

// notifying runs write and hands the notices it returns to the outbox in one transaction:
// they are sent only if the write commits.
func (s *Server) notifying(ctx context.Context, write func(ctx context.Context) ([]ledger.Notice, error)) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		ns, err := write(ctx)
		if err != nil {
			return err
		}
		return s.outbox.Notify(ctx, ns...)
	})
}
