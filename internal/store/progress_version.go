package store

import (
	"context"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// ProgressVersion reads, in one statement, what a member's progress depends on besides the
// date and the question: the member's ledger version, which triggers bump on any write their
// progress reads (member_ledger, migration 00013), and the number of program versions (only ever added).
func (s *Store) ProgressVersion(ctx context.Context, memberID string) (ledger.Version, error) {
	v, _, err := s.ProgressVersionFor(ctx, memberID, recert.AllOrganizations())
	return v, err
}

// ProgressVersionFor is ProgressVersion, and whether the scope sees the member (organizers
// and apps see those related to their organizations; every organization sees all), in the
// same statement.
func (s *Store) ProgressVersionFor(ctx context.Context, memberID string, scope recert.Scope) (ledger.Version, bool, error) {
	var row struct {
		LedgerVersion, Programs int64
		Related                 bool
	}
	query, args := `SELECT COALESCE(l.version, 0) AS ledger_version, (SELECT COUNT(*) FROM programs) AS programs, `, []any{}
	switch {
	case scope.All():
		query += `TRUE AS related`
	case scope.None():
		query += `FALSE AS related`
	default:
		query, args = query+isRelatedM+` AS related`, []any{scope.IDs()}
	}
	res := s.conn(ctx).Raw(query+` FROM members m LEFT JOIN member_ledger l ON l.member_id = m.id WHERE m.id = ?`,
		append(args, memberID)...).Scan(&row)
	if res.Error != nil {
		return ledger.Version{}, false, TranslateError(res.Error, "member "+memberID)
	}
	if res.RowsAffected == 0 {
		return ledger.Version{}, false, recert.Errorf(recert.ENOTFOUND, "member %s not found", memberID)
	}
	return ledger.Version{Ledger: row.LedgerVersion, Programs: row.Programs}, row.Related, nil
}

// ProgramCount is the number of program versions administrators added.
func (s *Store) ProgramCount(ctx context.Context) (int64, error) {
	var n int64
	if err := s.conn(ctx).Raw(`SELECT COUNT(*) FROM programs`).Scan(&n).Error; err != nil {
		return 0, TranslateError(err, "programs")
	}
	return n, nil
}
