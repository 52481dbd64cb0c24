package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

// organizationRow is the organizations table.
type organizationRow struct {
	ID           string `gorm:"primaryKey"`
	Name         string
	Code         string
	ContactEmail *string
	ContactPhone *string
	Version      int
	CreatedAt    time.Time
	CreatedBy    string
	UpdatedAt    time.Time
	UpdatedBy    string
}

func (organizationRow) TableName() string { return "organizations" }

func toOrganizationRow(o recert.Organization) organizationRow {
	return organizationRow{
		ID: o.ID, Name: o.Name, Code: o.Code,
		ContactEmail: nullable(o.ContactEmail), ContactPhone: nullable(o.ContactPhone),
		Version: o.Version, CreatedAt: o.CreatedAt, CreatedBy: o.CreatedBy, UpdatedAt: o.UpdatedAt, UpdatedBy: o.UpdatedBy,
	}
}

func (r organizationRow) organization() recert.Organization {
	return recert.Organization{
		ID: r.ID, Name: r.Name, Code: r.Code,
		ContactEmail: deref(r.ContactEmail), ContactPhone: deref(r.ContactPhone), Version: r.Version,
		Audit: recert.Audit{CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, UpdatedAt: r.UpdatedAt.UTC(), UpdatedBy: r.UpdatedBy},
	}
}

// CreateOrganization stores a new organization on behalf of actor and returns it as stored.
func (s *Store) CreateOrganization(ctx context.Context, o recert.Organization, actor string) (recert.Organization, error) {
	now := s.now()
	o.ID = recert.NewID(recert.PrefixOrganization)
	o.Version = 1
	o.Audit = recert.Audit{CreatedAt: now, CreatedBy: actor, UpdatedAt: now, UpdatedBy: actor}
	row := toOrganizationRow(o)
	if err := s.conn(ctx).Create(&row).Error; err != nil {
		return recert.Organization{}, TranslateError(err, "an organization with this code")
	}
	return row.organization(), nil
}

// Organization returns one organization by id.
func (s *Store) Organization(ctx context.Context, id string) (recert.Organization, error) {
	var row organizationRow
	if err := s.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return recert.Organization{}, TranslateError(err, "organization "+id)
	}
	return row.organization(), nil
}

// Organizations lists organizations by id, a page at a time; ids, when not nil, keeps
// only those.
func (s *Store) Organizations(ctx context.Context, p Page, scope recert.Scope) ([]recert.Organization, string, error) {
	var rows []organizationRow
	q := s.conn(ctx).Order("id").Limit(p.Limit + 1)
	if p.After != "" {
		q = q.Where("id > ?", p.After)
	}
	q = inScope(q, "id", scope)
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", TranslateError(err, "organizations")
	}
	out := make([]recert.Organization, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.organization())
	}
	out, next := cut(out, p.Limit, func(o recert.Organization) string { return o.ID })
	return out, next, nil
}

// UpdateOrganization replaces the editable fields of o when the stored version is still
// ifVersion (0: any version), so that a concurrent update is never silently lost.
func (s *Store) UpdateOrganization(ctx context.Context, o recert.Organization, ifVersion int, actor string) (recert.Organization, error) {
	var out recert.Organization
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		var row organizationRow
		if err := tx.Take(&row, "id = ?", o.ID).Error; err != nil {
			return TranslateError(err, "organization "+o.ID)
		}
		if ifVersion != 0 && row.Version != ifVersion {
			return recert.Errorf(recert.EPRECONDITION, "organization %s has changed (version %d, not %d); fetch it again", o.ID, row.Version, ifVersion)
		}
		row.Name, row.Code = o.Name, o.Code
		row.ContactEmail, row.ContactPhone = nullable(o.ContactEmail), nullable(o.ContactPhone)
		row.Version++
		row.UpdatedAt, row.UpdatedBy = s.now(), actor
		if err := tx.Save(&row).Error; err != nil {
			return TranslateError(err, "an organization with this code")
		}
		out = row.organization()
		return nil
	})
	return out, err
}
