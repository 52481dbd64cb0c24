package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

type signingKeyRow struct {
	Kid       string `gorm:"primaryKey"`
	PublicKey []byte
	CreatedAt time.Time
	RetiredAt *time.Time
}

func (signingKeyRow) TableName() string { return "signing_keys" }

// PublishSigningKey records kid as the current signing key; any other current key retires now.
func (s *Store) PublishSigningKey(ctx context.Context, kid string, pub []byte) error {
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		if err := tx.Model(&signingKeyRow{}).Where("kid <> ? AND retired_at IS NULL", kid).Update("retired_at", now).Error; err != nil {
			return TranslateError(err, "signing keys")
		}
		row := signingKeyRow{Kid: kid, PublicKey: pub, CreatedAt: now}
		if err := tx.Where(signingKeyRow{Kid: kid}).FirstOrCreate(&row).Error; err != nil {
			return TranslateError(err, "signing key")
		}
		return TranslateError(tx.Model(&signingKeyRow{}).Where("kid = ?", kid).Update("retired_at", nil).Error, "signing key")
	})
}

// PublishedKeys returns the current key and the keys retired after since.
// They are read from the primary: a key another instance just published must verify.
func (s *Store) PublishedKeys(ctx context.Context, since time.Time) ([]recert.PublishedKey, error) {
	ctx = onPrimary(ctx)
	var rows []signingKeyRow
	if err := s.conn(ctx).Where("retired_at IS NULL OR retired_at > ?", since).Order("created_at DESC").Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "signing keys")
	}
	out := make([]recert.PublishedKey, len(rows))
	for i, r := range rows {
		out[i] = recert.PublishedKey{Kid: r.Kid, PublicKey: r.PublicKey}
		if r.RetiredAt != nil {
			out[i].RetiredAt = r.RetiredAt.UTC()
		}
	}
	return out, nil
}
