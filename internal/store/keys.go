package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

type signingKeyRow struct {
	Kid       string `gorm:"primaryKey"`
	Purpose   string
	Algorithm string
	PublicKey []byte
	CreatedAt time.Time
	RetiredAt *time.Time
}

func (signingKeyRow) TableName() string { return "signing_keys" }

// PublishSigningKey records kid as the current access-token key; any other current
// access-token key retires now.
func (s *Store) PublishSigningKey(ctx context.Context, kid string, pub []byte) error {
	return s.PublishKey(ctx, recert.PublishedKey{Kid: kid, Purpose: "api", Algorithm: "EdDSA", PublicKey: pub})
}

// PublishKey records k as the current key of its purpose; the purpose's other current key,
// if any, retires now. Keys of other purposes are left as they are.
func (s *Store) PublishKey(ctx context.Context, k recert.PublishedKey) error {
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		if err := tx.Model(&signingKeyRow{}).Where("purpose = ? AND kid <> ? AND retired_at IS NULL", k.Purpose, k.Kid).
			Update("retired_at", now).Error; err != nil {
			return TranslateError(err, "signing keys")
		}
		row := signingKeyRow{Kid: k.Kid, Purpose: k.Purpose, Algorithm: k.Algorithm, PublicKey: k.PublicKey, CreatedAt: now}
		if err := tx.Where(signingKeyRow{Kid: k.Kid}).FirstOrCreate(&row).Error; err != nil {
			return TranslateError(err, "signing key")
		}
		if row.Purpose != k.Purpose {
			return recert.Errorf(recert.ECONFLICT, "signing key %s is already published for %s, not %s: give each purpose its own key", k.Kid, row.Purpose, k.Purpose)
		}
		return TranslateError(tx.Model(&signingKeyRow{}).Where("kid = ?", k.Kid).Update("retired_at", nil).Error, "signing key")
	})
}

// PublishedKeys returns the current access-token key and the ones retired after since.
// They are read from the primary: a key another instance just published must verify.
func (s *Store) PublishedKeys(ctx context.Context, since time.Time) ([]recert.PublishedKey, error) {
	ctx = onPrimary(ctx)
	var rows []signingKeyRow
	if err := s.conn(ctx).Where("purpose = 'api' AND (retired_at IS NULL OR retired_at > ?)", since).Order("created_at DESC").Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "signing keys")
	}
	out := make([]recert.PublishedKey, len(rows))
	for i, r := range rows {
		out[i] = r.published()
	}
	return out, nil
}

// PublishedKey returns the key kid published for purpose, current or retired. A key of
// another purpose, or none, is an ENOTFOUND error.
func (s *Store) PublishedKey(ctx context.Context, purpose, kid string) (recert.PublishedKey, error) {
	var row signingKeyRow
	if err := s.conn(onPrimary(ctx)).Where("kid = ? AND purpose = ?", kid, purpose).Take(&row).Error; err != nil {
		return recert.PublishedKey{}, TranslateError(err, "signing key")
	}
	return row.published(), nil
}

func (r signingKeyRow) published() recert.PublishedKey {
	k := recert.PublishedKey{Kid: r.Kid, Purpose: r.Purpose, Algorithm: r.Algorithm, PublicKey: r.PublicKey, CreatedAt: r.CreatedAt.UTC()}
	if r.RetiredAt != nil {
		k.RetiredAt = r.RetiredAt.UTC()
	}
	return k
}
