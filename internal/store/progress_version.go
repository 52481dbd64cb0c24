package store

import (
	"context"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// ProgressVersion reads, in one statement, what a member's progress depends on besides the
// date and the question: the member's ledger version, which triggers bump on any write their
// progress reads (migration 00013), and the number of program versions (only ever added).
func (s *Store) ProgressVersion(ctx context.Context, memberID string) (ledger.Version, error) {
	var row struct{ LedgerVersion, Programs int64 }
	res := s.conn(ctx).Raw(`SELECT m.ledger_version, (SELECT COUNT(*) FROM programs) AS programs
		FROM members m WHERE m.id = ?`, memberID).Scan(&row)
	if res.Error != nil {
		return ledger.Version{}, TranslateError(res.Error, "member "+memberID)
	}
	if res.RowsAffected == 0 {
		return ledger.Version{}, recert.Errorf(recert.ENOTFOUND, "member %s not found", memberID)
	}
	return ledger.Version{Ledger: row.LedgerVersion, Programs: row.Programs}, nil
}

// ProgramCount is the number of program versions administrators added.
func (s *Store) ProgramCount(ctx context.Context) (int64, error) {
	var n int64
	if err := s.conn(ctx).Raw(`SELECT COUNT(*) FROM programs`).Scan(&n).Error; err != nil {
		return 0, TranslateError(err, "programs")
	}
	return n, nil
}
