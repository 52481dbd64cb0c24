package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

type clientRow struct {
	ID             string `gorm:"primaryKey"`
	OrganizationID *string
	Name           string
	Scopes         string
	SecretHash     []byte
	RevokedAt      *time.Time
	CreatedAt      time.Time
	CreatedBy      string
	UpdatedAt      time.Time
	UpdatedBy      string
}

func (clientRow) TableName() string { return "api_clients" }

func (r clientRow) client() recert.Client {
	return recert.Client{
		ID: r.ID, Name: r.Name, OrganizationID: deref(r.OrganizationID), Scopes: strings.Fields(r.Scopes),
		Revoked: r.RevokedAt != nil,
		Audit:   recert.Audit{CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, UpdatedAt: r.UpdatedAt.UTC(), UpdatedBy: r.UpdatedBy},
	}
}

// clientCallerSQL selects an API client as a caller is read (clientCallerRow's columns).
const clientCallerSQL = `SELECT id, organization_id, name, scopes, revoked_at, created_at, created_by, updated_at, updated_by
FROM api_clients WHERE id = ?`

// clientCallerRow is what clientCallerSQL selects; every column is nullable, for a client
// that is not there.
type clientCallerRow struct {
	id, organizationID, name, scopes, createdBy, updatedBy sql.NullString
	revokedAt, createdAt, updatedAt                        sql.NullTime
}

func (r *clientCallerRow) targets() []any {
	return []any{&r.id, &r.organizationID, &r.name, &r.scopes, &r.revokedAt, &r.createdAt, &r.createdBy, &r.updatedAt, &r.updatedBy}
}

func (r *clientCallerRow) client() recert.Client {
	if !r.id.Valid {
		return recert.Client{}
	}
	return recert.Client{
		ID: r.id.String, Name: r.name.String, OrganizationID: r.organizationID.String, Scopes: strings.Fields(r.scopes.String),
		Revoked: r.revokedAt.Valid,
		Audit: recert.Audit{CreatedAt: r.createdAt.Time.UTC(), CreatedBy: r.createdBy.String, UpdatedAt: r.updatedAt.Time.UTC(),
			UpdatedBy: r.updatedBy.String},
	}
}

// CreateClient registers an app with the hash of its secret.
func (s *Store) CreateClient(ctx context.Context, c recert.Client, secretHash []byte, actor string) (recert.Client, error) {
	now := s.now()
	row := clientRow{
		ID: recert.NewID(recert.PrefixClient), OrganizationID: nullable(c.OrganizationID), Name: c.Name,
		Scopes: strings.Join(c.Scopes, " "), SecretHash: secretHash,
		CreatedAt: now, CreatedBy: actor, UpdatedAt: now, UpdatedBy: actor,
	}
	if err := s.conn(ctx).Create(&row).Error; err != nil {
		err = TranslateError(err, "client")
		if recert.ErrorCode(err) == recert.ECONFLICT {
			return recert.Client{}, recert.Errorf(recert.EINVALID, "organization %s does not exist", c.OrganizationID)
		}
		return recert.Client{}, err
	}
	return row.client(), nil
}

// Client returns an app with the hash of its secret, from the primary: a revoked app must be
// refused at once.
func (s *Store) Client(ctx context.Context, id string) (recert.Client, []byte, error) {
	ctx = onPrimary(ctx)
	var row clientRow
	if err := s.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return recert.Client{}, nil, TranslateError(err, "client "+id)
	}
	return row.client(), row.SecretHash, nil
}

// Clients lists the apps of the scope's organizations by id, a page at a time (registry-wide
// apps only for every organization).
func (s *Store) Clients(ctx context.Context, p Page, scope recert.Scope) ([]recert.Client, string, error) {
	var rows []clientRow
	q := s.conn(ctx).Order("id").Limit(p.Limit + 1)
	if p.After != "" {
		q = q.Where("id > ?", p.After)
	}
	q = inScope(q, "organization_id", scope)
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", TranslateError(err, "clients")
	}
	out := make([]recert.Client, len(rows))
	for i, r := range rows {
		out[i] = r.client()
	}
	out, next := cut(out, p.Limit, func(c recert.Client) string { return c.ID })
	return out, next, nil
}

// RotateClientSecret replaces an active app's secret hash.
func (s *Store) RotateClientSecret(ctx context.Context, id string, secretHash []byte, actor string) (recert.Client, error) {
	res := s.conn(ctx).Model(&clientRow{}).Where("id = ? AND revoked_at IS NULL", id).
		Updates(map[string]any{"secret_hash": secretHash, "updated_at": s.now(), "updated_by": actor})
	if res.Error != nil {
		return recert.Client{}, TranslateError(res.Error, "client")
	}
	c, _, err := s.Client(ctx, id)
	if err == nil && res.RowsAffected == 0 {
		return recert.Client{}, recert.Errorf(recert.ECONFLICT, "client %s is revoked", id)
	}
	return c, err
}

// RevokeClient stops an app for good; revoking twice is harmless.
func (s *Store) RevokeClient(ctx context.Context, id, actor string) error {
	now := s.now()
	return TranslateError(s.conn(ctx).Model(&clientRow{}).Where("id = ? AND revoked_at IS NULL", id).
		Updates(map[string]any{"revoked_at": now, "updated_at": now, "updated_by": actor}).Error, "client")
}
