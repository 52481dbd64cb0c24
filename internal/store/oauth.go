package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

type appRow struct {
	ID           string `gorm:"primaryKey"`
	Name         string
	OwnerUserID  string
	RedirectURIs string
	Confidential bool
	SecretHash   []byte
	SuspendedAt  *time.Time
	CreatedAt    time.Time
	// OwnerName is the owner's name, when a query selects it.
	OwnerName string `gorm:"->;-:migration"`
}

func (appRow) TableName() string { return "oauth_apps" }

func (r appRow) app() recert.App {
	return recert.App{ID: r.ID, Name: r.Name, OwnerID: r.OwnerUserID, OwnerName: r.OwnerName,
		RedirectURIs: strings.Split(r.RedirectURIs, "\n"), Confidential: r.Confidential,
		Suspended: r.SuspendedAt != nil, CreatedAt: r.CreatedAt.UTC()}
}

type codeRow struct {
	CodeHash    []byte `gorm:"primaryKey"`
	AppID       string
	UserID      string
	RedirectURI string
	Challenge   string
	Scopes      string
	ExpiresAt   time.Time
	UsedAt      *time.Time
	SignInID    *string
}

func (codeRow) TableName() string { return "oauth_codes" }

// CreateApp registers an app with the hash of its secret (nil for a public app).
func (s *Store) CreateApp(ctx context.Context, a recert.App, secretHash []byte) (recert.App, error) {
	row := appRow{ID: recert.NewID(recert.PrefixApp), Name: a.Name, OwnerUserID: a.OwnerID,
		RedirectURIs: strings.Join(a.RedirectURIs, "\n"), Confidential: a.Confidential, SecretHash: secretHash,
		CreatedAt: s.now()}
	if err := s.conn(ctx).Create(&row).Error; err != nil {
		return recert.App{}, TranslateError(err, "app")
	}
	return s.appByID(ctx, row.ID)
}

func (s *Store) apps(ctx context.Context) *gorm.DB {
	return s.conn(ctx).Table("oauth_apps").Select("oauth_apps.*, users.name AS owner_name").
		Joins("JOIN users ON users.id = oauth_apps.owner_user_id")
}

func (s *Store) appByID(ctx context.Context, id string) (recert.App, error) {
	a, _, err := s.App(ctx, id)
	return a, err
}

// App returns an app with the hash of its secret, from the primary: a suspended app must be
// refused at once.
func (s *Store) App(ctx context.Context, id string) (recert.App, []byte, error) {
	ctx = onPrimary(ctx)
	var row appRow
	if err := s.apps(ctx).Where("oauth_apps.id = ?", id).Take(&row).Error; err != nil {
		return recert.App{}, nil, TranslateError(err, "app "+id)
	}
	return row.app(), row.SecretHash, nil
}

// Apps lists the apps of an owner by id, or every app when ownerID is "".
func (s *Store) Apps(ctx context.Context, ownerID string) ([]recert.App, error) {
	var rows []appRow
	q := s.apps(ctx).Order("oauth_apps.id")
	if ownerID != "" {
		q = q.Where("oauth_apps.owner_user_id = ?", ownerID)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "apps")
	}
	out := make([]recert.App, len(rows))
	for i, r := range rows {
		out[i] = r.app()
	}
	return out, nil
}

// SuspendApp suspends an app, or lifts its suspension.
func (s *Store) SuspendApp(ctx context.Context, id string, suspended bool) error {
	var at *time.Time
	if suspended {
		now := s.now()
		at = &now
	}
	res := s.conn(ctx).Model(&appRow{}).Where("id = ?", id).Update("suspended_at", at)
	if res.Error == nil && res.RowsAffected == 0 {
		return recert.Errorf(recert.ENOTFOUND, "app %s not found", id)
	}
	return TranslateError(res.Error, "app")
}

// DeleteApp ends every grant to the app and its refresh tokens, then deletes it.
func (s *Store) DeleteApp(ctx context.Context, id string) error {
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		grants := tx.Model(&signInRow{}).Select("id").Where("app_id = ?", id)
		if err := TranslateError(tx.Model(&refreshRow{}).Where("family_id IN (?) AND revoked_at IS NULL", grants).
			Update("revoked_at", now).Error, "refresh tokens"); err != nil {
			return err
		}
		res := tx.Delete(&appRow{}, "id = ?", id)
		if res.Error == nil && res.RowsAffected == 0 {
			return recert.Errorf(recert.ENOTFOUND, "app %s not found", id)
		}
		return TranslateError(res.Error, "app")
	})
}

// CreateAuthCode stores an authorization code (by hash).
func (s *Store) CreateAuthCode(ctx context.Context, c recert.AuthCode) error {
	row := codeRow{CodeHash: c.Hash, AppID: c.AppID, UserID: c.UserID, RedirectURI: c.RedirectURI,
		Challenge: c.Challenge, Scopes: strings.Join(c.Scopes, " "), ExpiresAt: c.ExpiresAt}
	return TranslateError(s.conn(ctx).Create(&row).Error, "authorization code")
}

// SpendAuthCode uses the authorization code with hash: once, before it expires.
func (s *Store) SpendAuthCode(ctx context.Context, hash []byte) (recert.AuthCode, error) {
	invalid := recert.Errorf(recert.EUNAUTHORIZED, "the authorization code is invalid, expired or already used")
	var row codeRow
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		// The conditional update is the race's referee: only one redemption spends it.
		res := tx.Model(&codeRow{}).Where("code_hash = ? AND used_at IS NULL AND expires_at > ?", hash, now).Update("used_at", now)
		if res.Error != nil {
			return TranslateError(res.Error, "authorization code")
		}
		if res.RowsAffected == 0 {
			return invalid
		}
		return TranslateError(tx.Take(&row, "code_hash = ?", hash).Error, "authorization code")
	})
	if recert.ErrorCode(err) == recert.EUNAUTHORIZED {
		// A code presented again was stolen or replayed: end the grant it started.
		var spent []codeRow
		if s.conn(ctx).Where("code_hash = ? AND sign_in_id IS NOT NULL", hash).Find(&spent).Error == nil && len(spent) == 1 {
			_ = s.EndSignIn(context.WithoutCancel(ctx), *spent[0].SignInID)
		}
	}
	if err != nil {
		return recert.AuthCode{}, err
	}
	return recert.AuthCode{Hash: row.CodeHash, AppID: row.AppID, UserID: row.UserID, RedirectURI: row.RedirectURI,
		Challenge: row.Challenge, Scopes: strings.Fields(row.Scopes), ExpiresAt: row.ExpiresAt.UTC()}, nil
}

// StartGrant records a member's grant to an app: a sign-in of the member carrying the app
// and the scopes approved.
func (s *Store) StartGrant(ctx context.Context, g recert.Grant) error {
	scopes := strings.Join(g.Scopes, " ")
	row := signInRow{ID: g.ID, UserID: g.UserID, CreatedAt: s.now(), AppID: &g.AppID, Scopes: &scopes}
	return TranslateError(s.conn(ctx).Create(&row).Error, "grant")
}

// MarkCodeGrant records the grant a spent code started.
func (s *Store) MarkCodeGrant(ctx context.Context, hash []byte, sid string) error {
	return TranslateError(s.conn(ctx).Model(&codeRow{}).Where("code_hash = ?", hash).Update("sign_in_id", sid).Error, "authorization code")
}

type grantRow struct {
	ID        string
	UserID    string
	AppID     string
	AppName   string
	OwnerName string
	Scopes    string
	CreatedAt time.Time
	EndedAt   *time.Time
}

func (r grantRow) grant() recert.Grant {
	return recert.Grant{ID: r.ID, UserID: r.UserID, AppID: r.AppID, AppName: r.AppName, OwnerName: r.OwnerName,
		Scopes: strings.Fields(r.Scopes), CreatedAt: r.CreatedAt.UTC(), Ended: r.EndedAt != nil}
}

func (s *Store) grants(ctx context.Context) *gorm.DB {
	return s.conn(ctx).Table("sign_ins").
		Select("sign_ins.id, sign_ins.user_id, sign_ins.app_id, oauth_apps.name AS app_name, users.name AS owner_name, sign_ins.scopes, sign_ins.created_at, sign_ins.ended_at").
		Joins("JOIN oauth_apps ON oauth_apps.id = sign_ins.app_id").
		Joins("JOIN users ON users.id = oauth_apps.owner_user_id")
}

// Grant returns the sign-in sid if it is a grant to an app; ok is false for any other
// sign-in. Read on the primary: a revoked grant must be refused at once.
func (s *Store) Grant(ctx context.Context, sid string) (g recert.Grant, ok bool, err error) {
	ctx = onPrimary(ctx)
	var rows []grantRow
	if err := s.grants(ctx).Where("sign_ins.id = ?", sid).Find(&rows).Error; err != nil {
		return g, false, TranslateError(err, "grant")
	}
	if len(rows) == 0 {
		return g, false, nil
	}
	return rows[0].grant(), true, nil
}

// Grants lists a member's live grants to apps, oldest first.
func (s *Store) Grants(ctx context.Context, userID string) ([]recert.Grant, error) {
	var rows []grantRow
	if err := s.grants(ctx).Where("sign_ins.user_id = ? AND sign_ins.ended_at IS NULL", userID).
		Order("sign_ins.created_at, sign_ins.id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "grants")
	}
	out := make([]recert.Grant, len(rows))
	for i, r := range rows {
		out[i] = r.grant()
	}
	return out, nil
}

// RefreshFamily is the sign-in of the refresh token with hash, and whether the token can
// still be exchanged.
func (s *Store) RefreshFamily(ctx context.Context, hash []byte) (string, bool, error) {
	ctx = onPrimary(ctx)
	var rows []refreshRow
	if err := s.conn(ctx).Where("token_hash = ?", hash).Find(&rows).Error; err != nil {
		return "", false, TranslateError(err, "refresh token")
	}
	if len(rows) == 0 {
		return "", false, nil
	}
	r := rows[0]
	return r.FamilyID, r.UsedAt == nil && r.RevokedAt == nil && r.ExpiresAt.After(s.now()), nil
}
