package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

type activityRow struct {
	ID                  string `gorm:"primaryKey"`
	MemberID            string
	Type                string
	Date                date
	CEUs                recert.Units `gorm:"column:ceus"`
	Minutes             *int
	Category            string
	ApprovedBy          string
	Title               string
	Citation            *string
	Provider            *string
	ApprovalRef         *string
	PostTestScore       *int
	Topics              string
	DocumentationStatus string
	ReviewStatus        string
	ReviewReason        *string
	WithdrawnAt         *time.Time
	Version             int
	CreatedAt           time.Time
	CreatedBy           string
	UpdatedAt           time.Time
	UpdatedBy           string
}

func (activityRow) TableName() string { return "activities" }

func toActivityRow(a recert.Activity) activityRow {
	return activityRow{
		ID: a.ID, MemberID: a.MemberID, Type: a.Type, Date: date(a.Date), CEUs: a.CEUs, Minutes: nullableInt(a.Minutes),
		Category: a.Category, ApprovedBy: strings.Join(a.ApprovedBy, " "), Title: a.Title, Citation: nullable(a.Citation), Provider: nullable(a.Provider),
		ApprovalRef: nullable(a.ApprovalRef), PostTestScore: a.PostTestScore, Topics: strings.Join(a.Topics, " "),
		DocumentationStatus: a.DocumentationStatus, ReviewStatus: a.ReviewStatus, ReviewReason: nullable(a.ReviewReason),
		Version: a.Version, CreatedAt: a.CreatedAt, CreatedBy: a.CreatedBy, UpdatedAt: a.UpdatedAt, UpdatedBy: a.UpdatedBy,
	}
}

func (r activityRow) activity() recert.Activity {
	a := recert.Activity{
		ID: r.ID, MemberID: r.MemberID, Type: r.Type, Date: r.Date.day(), CEUs: r.CEUs, Category: r.Category, ApprovedBy: strings.Fields(r.ApprovedBy), Title: r.Title,
		Citation: deref(r.Citation), Provider: deref(r.Provider), ApprovalRef: deref(r.ApprovalRef), PostTestScore: r.PostTestScore,
		Topics: strings.Fields(r.Topics), DocumentationStatus: r.DocumentationStatus, ReviewStatus: r.ReviewStatus,
		ReviewReason: deref(r.ReviewReason), Withdrawn: r.WithdrawnAt != nil, Version: r.Version,
		Audit: recert.Audit{CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, UpdatedAt: r.UpdatedAt.UTC(), UpdatedBy: r.UpdatedBy},
	}
	if r.Minutes != nil {
		a.Minutes = *r.Minutes
	}
	return a
}

// CreateActivity records a self-reported activity, pending review.
func (s *Store) CreateActivity(ctx context.Context, a recert.Activity, actor string) (recert.Activity, error) {
	now := s.now()
	a.ID, a.Version, a.ReviewStatus, a.ReviewReason = recert.NewID(recert.PrefixActivity), 1, recert.ReviewPending, ""
	a.Audit = recert.Audit{CreatedAt: now, CreatedBy: actor, UpdatedAt: now, UpdatedBy: actor}
	row := toActivityRow(a)
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return TranslateError(err, "activity")
		}
		return recordActivity(tx, nil, row.activity(), "created", "", actor, now)
	})
	if err != nil {
		return recert.Activity{}, err
	}
	return row.activity(), nil
}

// Activity returns one activity, withdrawn or not.
func (s *Store) Activity(ctx context.Context, id string) (recert.Activity, error) {
	var row activityRow
	if err := s.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return recert.Activity{}, TranslateError(err, "activity "+id)
	}
	return row.activity(), nil
}

// Activities lists a member's activities by id (newest first), a page at a time; counting
// keeps only those that count toward progress (neither withdrawn nor rejected), all of them.
func (s *Store) Activities(ctx context.Context, memberID string, p recert.Page, counting bool) ([]recert.Activity, string, error) {
	var rows []activityRow
	q := s.conn(ctx).Where("member_id = ?", memberID).Order("id DESC")
	if p.Limit > 0 {
		q = q.Limit(p.Limit + 1)
	}
	if p.After != "" {
		q = q.Where("id < ?", p.After)
	}
	if counting {
		q = q.Where("withdrawn_at IS NULL AND review_status <> ?", recert.ReviewRejected)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", TranslateError(err, "activities")
	}
	out := make([]recert.Activity, len(rows))
	for i, r := range rows {
		out[i] = r.activity()
	}
	if p.Limit <= 0 {
		return out, "", nil
	}
	out, next := cut(out, p.Limit, func(a recert.Activity) string { return a.ID })
	return out, next, nil
}

// UpdateActivity applies change to an activity and enters it in the history as action
// (updated, verified, rejected) with reason; a withdrawn activity cannot change.
func (s *Store) UpdateActivity(ctx context.Context, id, action, reason, actor string, change func(*recert.Activity) error) (recert.Activity, error) {
	var out recert.Activity
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		var row activityRow
		if err := tx.Take(&row, "id = ?", id).Error; err != nil {
			return TranslateError(err, "activity "+id)
		}
		a := row.activity()
		if a.Withdrawn {
			return recert.Errorf(recert.ECONFLICT, "activity %s is withdrawn", id)
		}
		if err := change(&a); err != nil {
			return err
		}
		a.Version++
		a.UpdatedAt, a.UpdatedBy = s.now(), actor
		next := toActivityRow(a)
		next.WithdrawnAt = row.WithdrawnAt
		if err := tx.Save(&next).Error; err != nil {
			return TranslateError(err, "activity")
		}
		out = next.activity()
		before := row.activity()
		return recordActivity(tx, &before, out, action, reason, actor, a.UpdatedAt)
	})
	return out, err
}

// WithdrawActivity marks an activity withdrawn: it stops counting and stays on record.
// Withdrawing twice is harmless.
func (s *Store) WithdrawActivity(ctx context.Context, id, actor string) error {
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		var row activityRow
		if err := tx.Take(&row, "id = ?", id).Error; err != nil {
			return TranslateError(err, "activity "+id)
		}
		if row.WithdrawnAt != nil {
			return nil
		}
		before, now := row.activity(), s.now()
		row.WithdrawnAt, row.UpdatedAt, row.UpdatedBy, row.Version = &now, now, actor, row.Version+1
		if err := tx.Save(&row).Error; err != nil {
			return TranslateError(err, "activity")
		}
		return recordActivity(tx, &before, row.activity(), "withdrawn", "", actor, now)
	})
}

type clinicalRow struct {
	ID          string `gorm:"primaryKey"`
	MemberID    string
	Date        date
	Type        string
	Role        string
	Count       int
	CaseRefHash nullBytes
	WithdrawnAt *time.Time
	CreatedAt   time.Time
	CreatedBy   string
	UpdatedAt   time.Time
	UpdatedBy   string
}

func (clinicalRow) TableName() string { return "clinical_entries" }

// nullBytes stores an empty byte slice as NULL (the SQLite driver would store an empty blob,
// which unique indexes do not treat as missing).
type nullBytes []byte

func (b nullBytes) Value() (driver.Value, error) {
	if len(b) == 0 {
		return nil, nil
	}
	return []byte(b), nil
}

func (b *nullBytes) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*b = nil
	case []byte:
		*b = append(nullBytes(nil), v...)
	case string:
		*b = nullBytes(v)
	default:
		return fmt.Errorf("cannot scan %T into bytes", src)
	}
	return nil
}

func (r clinicalRow) entry() recert.ClinicalEntry {
	return recert.ClinicalEntry{ID: r.ID, MemberID: r.MemberID, Date: r.Date.day(), Type: r.Type, Role: r.Role, Count: r.Count,
		CaseRefHash: []byte(r.CaseRefHash), Withdrawn: r.WithdrawnAt != nil,
		Audit: recert.Audit{CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, UpdatedAt: r.UpdatedAt.UTC(), UpdatedBy: r.UpdatedBy}}
}

// CreateClinicalEntry logs clinical activity. The same case (by reference hash) logged twice
// as primary by one member is a conflict, enforced by a unique index.
func (s *Store) CreateClinicalEntry(ctx context.Context, e recert.ClinicalEntry, actor string) (recert.ClinicalEntry, error) {
	now := s.now()
	row := clinicalRow{ID: recert.NewID(recert.PrefixClinicalEntry), MemberID: e.MemberID, Date: date(e.Date), Type: e.Type,
		Role: e.Role, Count: e.Count, CaseRefHash: e.CaseRefHash, CreatedAt: now, CreatedBy: actor, UpdatedAt: now, UpdatedBy: actor}
	if err := s.conn(ctx).Create(&row).Error; err != nil {
		err = TranslateError(err, "this case")
		if recert.ErrorCode(err) == recert.ECONFLICT {
			return recert.ClinicalEntry{}, recert.Errorf(recert.ECONFLICT, "this case is already logged as primary")
		}
		return recert.ClinicalEntry{}, err
	}
	return row.entry(), nil
}

// ClinicalEntry returns one entry.
func (s *Store) ClinicalEntry(ctx context.Context, id string) (recert.ClinicalEntry, error) {
	var row clinicalRow
	if err := s.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return recert.ClinicalEntry{}, TranslateError(err, "clinical entry "+id)
	}
	return row.entry(), nil
}

// ClinicalEntries lists a member's entries that are not withdrawn, oldest first, dated in
// [from, to] (zero: open).
func (s *Store) ClinicalEntries(ctx context.Context, memberID string, from, to recert.Date) ([]recert.ClinicalEntry, error) {
	var rows []clinicalRow
	q := s.conn(ctx).Where("member_id = ? AND withdrawn_at IS NULL", memberID).Order("date, id")
	if !from.IsZero() {
		q = q.Where("date >= ?", date(from))
	}
	if !to.IsZero() {
		q = q.Where("date <= ?", date(to))
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "clinical entries")
	}
	out := make([]recert.ClinicalEntry, len(rows))
	for i, r := range rows {
		out[i] = r.entry()
	}
	return out, nil
}

// WithdrawClinicalEntry marks an entry withdrawn.
func (s *Store) WithdrawClinicalEntry(ctx context.Context, id, actor string) error {
	now := s.now()
	return TranslateError(s.conn(ctx).Model(&clinicalRow{}).Where("id = ? AND withdrawn_at IS NULL", id).
		Updates(map[string]any{"withdrawn_at": now, "updated_at": now, "updated_by": actor}).Error, "clinical entry")
}
