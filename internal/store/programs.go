package store

import (
	"context"
	"time"
)

type programRow struct {
	ID        string `gorm:"primaryKey"`
	Version   int    `gorm:"primaryKey"`
	Document  string
	CreatedAt time.Time
	CreatedBy string
}

func (programRow) TableName() string { return "programs" }

// AddProgram stores a program version's document (JSON); a version that exists is a conflict.
func (s *Store) AddProgram(ctx context.Context, id string, version int, document []byte, actor string) error {
	row := programRow{ID: id, Version: version, Document: string(document), CreatedAt: s.now(), CreatedBy: actor}
	return TranslateError(s.conn(ctx).Create(&row).Error, "this version of the program")
}

// Programs returns the documents of every stored program version.
func (s *Store) Programs(ctx context.Context) ([][]byte, error) {
	var rows []programRow
	if err := s.conn(ctx).Order("id, version").Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "programs")
	}
	out := make([][]byte, len(rows))
	for i, r := range rows {
		out[i] = []byte(r.Document)
	}
	return out, nil
}
