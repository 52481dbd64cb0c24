package store

import (
	"context"
	"time"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// idempotencyTTL is how long a response stays replayable: long enough for any client's
// retries, short enough that the table stays small.
const idempotencyTTL = 72 * time.Hour

type idempotencyRow struct {
	Principal   string `gorm:"primaryKey"`
	Key         string `gorm:"primaryKey;column:key"`
	RequestHash string
	Status      int
	Response    string
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

// IdempotentResponse returns the response stored for the principal's Idempotency-Key, with
// the hash of the request it answered; found is false when there is none or it expired.
// Read on the primary: a response stored a moment ago must be replayed, not run again.
func (s *Store) IdempotentResponse(ctx context.Context, principal, key string) (string, ledger.Response, bool, error) {
	ctx = onPrimary(ctx)
	var rows []idempotencyRow
	err := s.conn(ctx).Where(`principal = ? AND "key" = ? AND expires_at > ?`, principal, key, s.now()).
		Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return "", ledger.Response{}, false, TranslateError(err, "idempotency key")
	}
	r := rows[0]
	return r.RequestHash, ledger.Response{Status: r.Status, Body: []byte(r.Response)}, true, nil
}

// LockIdempotencyKey holds the key until the transaction of ctx ends, so the same key sent
// to two instances at once runs once: the second waits, then finds the stored response.
func (s *Store) LockIdempotencyKey(ctx context.Context, principal, key string) error {
	return s.lock(ctx, "idempotency "+principal+" "+key)
}

// SaveIdempotentResponse stores r under the key, in the transaction of ctx, so that the
// writes and their replayable response are committed together or not at all.
func (s *Store) SaveIdempotentResponse(ctx context.Context, k ledger.IdempotencyKey, r ledger.Response) error {
	tx, now := s.conn(ctx), s.now()
	// An expired key not yet purged is free for reuse.
	err := tx.Where(`principal = ? AND "key" = ? AND expires_at <= ?`, k.Principal, k.Key, now).Delete(&idempotencyRow{}).Error
	if err != nil {
		return TranslateError(err, "idempotency key")
	}
	row := idempotencyRow{
		Principal: k.Principal, Key: k.Key, RequestHash: k.RequestHash, Status: r.Status, Response: string(r.Body),
		CreatedAt: now, ExpiresAt: now.Add(idempotencyTTL),
	}
	err = TranslateError(tx.Create(&row).Error, "idempotency key")
	if recert.ErrorCode(err) == recert.ECONFLICT {
		return recert.Wrap(err, recert.ECONFLICT, "a request with this Idempotency-Key was already made")
	}
	return err
}

// PurgeIdempotencyKeys deletes the expired keys and says how many.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context) (int64, error) {
	res := s.conn(ctx).Where("expires_at <= ?", s.now()).Delete(&idempotencyRow{})
	return res.RowsAffected, TranslateError(res.Error, "idempotency keys")
}
