package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

type userRow struct {
	ID           string `gorm:"primaryKey"`
	Email        string
	Name         string
	Role         recert.Role
	PasswordHash *string
	MemberID     *string
	DisabledAt   *time.Time
	TokenVersion int
	CreatedAt    time.Time
	CreatedBy    string
	UpdatedAt    time.Time
	UpdatedBy    string
}

func (userRow) TableName() string { return "users" }

type organizerRow struct {
	OrganizationID string `gorm:"primaryKey"`
	UserID         string `gorm:"primaryKey"`
	CreatedAt      time.Time
	CreatedBy      string
}

func (organizerRow) TableName() string { return "organization_organizers" }

func (r userRow) user(orgIDs []string) recert.User {
	if orgIDs == nil {
		orgIDs = []string{}
	}
	return recert.User{
		ID: r.ID, Email: r.Email, Name: r.Name, Role: r.Role, MemberID: deref(r.MemberID),
		OrganizationIDs: orgIDs, Disabled: r.DisabledAt != nil, TokenVersion: r.TokenVersion,
		Audit: recert.Audit{CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, UpdatedAt: r.UpdatedAt.UTC(), UpdatedBy: r.UpdatedBy},
	}
}

// CreateUser stores a login account with its password hash and, for an organizer, the
// organizations it acts for, in one transaction.
func (s *Store) CreateUser(ctx context.Context, u recert.User, passwordHash, actor string) (recert.User, error) {
	now := s.now()
	row := userRow{
		ID: recert.NewID(recert.PrefixUser), Email: recert.NormalizeEmail(u.Email), Name: u.Name, Role: u.Role,
		PasswordHash: nullable(passwordHash), MemberID: nullable(u.MemberID),
		CreatedAt: now, CreatedBy: actor, UpdatedAt: now, UpdatedBy: actor,
	}
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return TranslateError(err, "a user with this email, or a login for this member,")
		}
		for _, org := range u.OrganizationIDs {
			if err := addOrganizer(tx, org, row.ID, actor, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return recert.User{}, err
	}
	return s.User(ctx, row.ID)
}

func addOrganizer(tx *gorm.DB, orgID, userID, actor string, now time.Time) error {
	rel := organizerRow{OrganizationID: orgID, UserID: userID, CreatedAt: now, CreatedBy: actor}
	err := tx.Where(organizerRow{OrganizationID: orgID, UserID: userID}).FirstOrCreate(&rel).Error
	if recert.ErrorCode(TranslateError(err, "")) == recert.ECONFLICT {
		return recert.Errorf(recert.EINVALID, "organization %s does not exist", orgID)
	}
	return TranslateError(err, "organizer")
}

// User returns one login account by id, disabled or not.
//
// It is one statement, since every authenticated request reads its caller. It reads the
// primary: a signed-out or disabled account must be refused at once, whatever a replica says.
func (s *Store) User(ctx context.Context, id string) (recert.User, error) {
	u, _, err := s.loadUser(ctx, id, "")
	return u, err
}

// loadUser reads the account with the organizations it acts for, and, when sid is not "",
// whether that sign-in of the account is live: one statement, on the primary.
func (s *Store) loadUser(ctx context.Context, id, sid string) (recert.User, bool, error) {
	query, args := s.callerSQL(id, sid)
	rows, err := s.rows(onPrimary(ctx), query, args...)
	if err != nil {
		return recert.User{}, false, TranslateError(err, "user "+id)
	}
	defer rows.Close()
	var c callerRow
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return recert.User{}, false, TranslateError(err, "user "+id)
		}
		return recert.User{}, false, TranslateError(gorm.ErrRecordNotFound, "user "+id)
	}
	if err := rows.Scan(c.targets()...); err != nil {
		return recert.User{}, false, TranslateError(err, "user "+id)
	}
	u, live, _ := c.user()
	return u, live, nil
}

// callerSQL selects the account id as a caller is read (callerRow's columns), with whether
// its sign-in sid is live (FALSE when sid is ""): one row, or none.
func (s *Store) callerSQL(id, sid string) (string, []any) {
	texts := callerTexts[s.engine == SQLite]
	if sid == "" {
		return texts[0], []any{id}
	}
	return texts[1], []any{sid, id}
}

// callerTexts are callerSQL's texts, on PostgreSQL (false) and SQLite (true), without and
// with a sign-in: built once, as every request reads its caller.
var callerTexts = map[bool][2]string{false: callerTextsOf("string_agg"), true: callerTextsOf("group_concat")}

func callerTextsOf(agg string) [2]string {
	text := func(live string) string {
		return `SELECT id, email, name, role, member_id, disabled_at, token_version, created_at, created_by,
	updated_at, updated_by, (SELECT ` + agg + `(organization_id, ',') FROM organization_organizers o WHERE o.user_id = users.id) AS organization_ids, ` + live + ` AS live
FROM users WHERE users.id = ?`
	}
	return [2]string{text("FALSE"), text("EXISTS (SELECT 1 FROM sign_ins si WHERE si.id = ? AND si.user_id = users.id AND si.ended_at IS NULL)")}
}

// callerRow is what callerSQL selects, scanned by hand: gorm's reflection was a third of a
// cached progress request's CPU. Every column is nullable, for a caller that is not there.
type callerRow struct {
	id, email, name, role, memberID, createdBy, updatedBy, orgIDs sql.NullString
	disabledAt, createdAt, updatedAt                              sql.NullTime
	tokenVersion                                                  sql.NullInt64
	live                                                          sql.NullBool
}

func (c *callerRow) targets() []any {
	return []any{&c.id, &c.email, &c.name, &c.role, &c.memberID, &c.disabledAt, &c.tokenVersion, &c.createdAt,
		&c.createdBy, &c.updatedAt, &c.updatedBy, &c.orgIDs, &c.live}
}

// user is the account read, whether its sign-in is live, and whether there is one.
func (c *callerRow) user() (recert.User, bool, bool) {
	if !c.id.Valid {
		return recert.User{}, false, false
	}
	orgs := []string{}
	if c.orgIDs.Valid {
		orgs = strings.Split(c.orgIDs.String, ",")
		slices.Sort(orgs)
	}
	return recert.User{
		ID: c.id.String, Email: c.email.String, Name: c.name.String, Role: recert.Role(c.role.String), MemberID: c.memberID.String,
		OrganizationIDs: orgs, Disabled: c.disabledAt.Valid, TokenVersion: int(c.tokenVersion.Int64),
		Audit: recert.Audit{CreatedAt: c.createdAt.Time.UTC(), CreatedBy: c.createdBy.String, UpdatedAt: c.updatedAt.Time.UTC(), UpdatedBy: c.updatedBy.String},
	}, c.live.Bool, true
}

// MemberLogin returns the login of a member record; ok is false when it has none.
func (s *Store) MemberLogin(ctx context.Context, memberID string) (u recert.User, ok bool, err error) {
	var row userRow
	err = s.conn(ctx).Where("member_id = ?", memberID).Limit(1).Find(&row).Error
	if err != nil || row.ID == "" {
		return recert.User{}, false, TranslateError(err, "login")
	}
	return row.user(nil), true, nil
}

// UserByEmail returns the account with email and its password hash, from the primary (it
// signs people in).
func (s *Store) UserByEmail(ctx context.Context, email string) (recert.User, string, error) {
	ctx = onPrimary(ctx)
	var row userRow
	if err := s.conn(ctx).Take(&row, "email = ?", recert.NormalizeEmail(email)).Error; err != nil {
		return recert.User{}, "", TranslateError(err, "user")
	}
	orgs, err := s.organizationsOf(ctx, []string{row.ID})
	return row.user(orgs[row.ID]), deref(row.PasswordHash), err
}

// Users lists login accounts by id, a page at a time.
func (s *Store) Users(ctx context.Context, p Page) ([]recert.User, string, error) {
	var rows []userRow
	q := s.conn(ctx).Order("id").Limit(p.Limit + 1)
	if p.After != "" {
		q = q.Where("id > ?", p.After)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", TranslateError(err, "users")
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	orgs, err := s.organizationsOf(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	out := make([]recert.User, len(rows))
	for i, r := range rows {
		out[i] = r.user(orgs[r.ID])
	}
	out, next := cut(out, p.Limit, func(u recert.User) string { return u.ID })
	return out, next, nil
}

func (s *Store) organizationsOf(ctx context.Context, userIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(userIDs) == 0 {
		return out, nil
	}
	var rels []organizerRow
	if err := s.conn(ctx).Where("user_id IN ?", userIDs).Order("organization_id").Find(&rels).Error; err != nil {
		return nil, TranslateError(err, "organizers")
	}
	for _, r := range rels {
		out[r.UserID] = append(out[r.UserID], r.OrganizationID)
	}
	return out, nil
}

// OrganizerIDs returns the users acting for each of the organizations.
func (s *Store) OrganizerIDs(ctx context.Context, orgIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(orgIDs) == 0 {
		return out, nil
	}
	var rels []organizerRow
	if err := s.conn(ctx).Where("organization_id IN ?", orgIDs).Order("user_id").Find(&rels).Error; err != nil {
		return nil, TranslateError(err, "organizers")
	}
	for _, r := range rels {
		out[r.OrganizationID] = append(out[r.OrganizationID], r.UserID)
	}
	return out, nil
}

// UpdateUser changes an account. Disabling it or signing it out ends every token issued
// before: its sign-ins, apps' grants included, end and its token version moves on. A new
// password does the same for the account's own sign-ins, and for apps' grants only when
// the change says so (apps' tokens are bound to their grant, not to the version).
func (s *Store) UpdateUser(ctx context.Context, id string, c recert.UserChange, actor string) (recert.User, error) {
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		var row userRow
		if err := tx.Take(&row, "id = ?", id).Error; err != nil {
			return TranslateError(err, "user "+id)
		}
		now := s.now()
		if c.Name != nil {
			row.Name = *c.Name
		}
		if c.Email != nil {
			row.Email = recert.NormalizeEmail(*c.Email)
		}
		signOut, ownOnly := c.SignOut, false
		if c.PasswordHash != nil {
			// A new password ends every sign-in made with the old one.
			row.PasswordHash = c.PasswordHash
			ownOnly = !signOut && !c.EndAppGrants
			signOut = true
		}
		if c.Disabled != nil && *c.Disabled != (row.DisabledAt != nil) {
			row.DisabledAt = nil
			if *c.Disabled {
				row.DisabledAt = &now
				signOut, ownOnly = true, false
			}
		}
		if signOut {
			row.TokenVersion++
			if err := revokeUserTokens(tx, id, ownOnly, now); err != nil {
				return err
			}
		}
		row.UpdatedAt, row.UpdatedBy = now, actor
		return TranslateError(tx.Save(&row).Error, "user")
	})
	if err != nil {
		return recert.User{}, err
	}
	return s.User(ctx, id)
}

// AddOrganizer lets an organizer act for an organization; adding twice is harmless.
func (s *Store) AddOrganizer(ctx context.Context, orgID, userID, actor string) error {
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		var u userRow
		if err := tx.Take(&u, "id = ?", userID).Error; err != nil {
			return TranslateError(err, "user "+userID)
		}
		if u.Role != recert.RoleOrganizer {
			return recert.Errorf(recert.EINVALID, "user %s is a %s, not an organizer", userID, u.Role)
		}
		return addOrganizer(tx, orgID, userID, actor, s.now())
	})
}

// RemoveOrganizer stops an organizer acting for an organization.
func (s *Store) RemoveOrganizer(ctx context.Context, orgID, userID string) error {
	res := s.conn(ctx).Where("organization_id = ? AND user_id = ?", orgID, userID).Delete(&organizerRow{})
	if res.Error != nil {
		return TranslateError(res.Error, "organizer")
	}
	if res.RowsAffected == 0 {
		return recert.Errorf(recert.ENOTFOUND, "user %s does not act for organization %s", userID, orgID)
	}
	return nil
}

// HasAdmin reports whether any enabled administrator exists.
func (s *Store) HasAdmin(ctx context.Context) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&userRow{}).Where("role = ? AND disabled_at IS NULL", recert.RoleAdmin).Count(&n).Error
	return n > 0, TranslateError(err, "users")
}
