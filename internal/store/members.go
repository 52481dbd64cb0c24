package store

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

type memberRow struct {
	ID                string `gorm:"primaryKey"`
	Name              string
	Email             *string
	AbcpID            *string
	CertificationDate *date
	AbcpCycle         *int
	BirthMonth        *int
	SocietyClass      *string
	Status            string
	TrackingSince     *date
	Version           int
	CreatedAt         time.Time
	CreatedBy         string
	UpdatedAt         time.Time
	UpdatedBy         string
	SearchText        *string
	Claimed           bool `gorm:"->;-:migration"`
}

func (memberRow) TableName() string { return "members" }

type licenseRow struct {
	MemberID  string `gorm:"primaryKey"`
	State     string `gorm:"primaryKey"`
	Number    string
	IssuedOn  *date
	ExpiresOn *date
}

func (licenseRow) TableName() string { return "member_licenses" }

type organizationMemberRow struct {
	OrganizationID string `gorm:"primaryKey"`
	MemberID       string `gorm:"primaryKey"`
	CreatedAt      time.Time
	CreatedBy      string
}

func (organizationMemberRow) TableName() string { return "organization_members" }

func toMemberRow(m recert.Member) memberRow {
	return memberRow{
		ID: m.ID, Name: m.Name, Email: nullable(m.Email), AbcpID: nullable(m.ABCPID),
		CertificationDate: nullableDate(m.CertificationDate), AbcpCycle: nullableInt(m.ABCPCycle),
		BirthMonth: nullableInt(m.BirthMonth), SocietyClass: nullable(m.SocietyClass), Status: m.Status,
		TrackingSince: nullableDate(m.TrackingSince), Version: m.Version, CreatedAt: m.CreatedAt, CreatedBy: m.CreatedBy, UpdatedAt: m.UpdatedAt, UpdatedBy: m.UpdatedBy,
		SearchText: searchText(m.Name, m.Email, m.ABCPID),
	}
}

// searchText is what member search matches: name, email and ABCP ID, folded (see recert.Fold).
func searchText(name, email, abcpID string) *string {
	t := recert.Fold(name + " " + email + " " + abcpID)
	return &t
}

// backfillSearch gives members stored before search existed their search text.
func backfillSearch(ctx context.Context, db *gorm.DB) error {
	var rows []memberRow
	if err := db.WithContext(ctx).Select("id, name, email, abcp_id").Where("search_text IS NULL").Find(&rows).Error; err != nil {
		return TranslateError(err, "members")
	}
	for _, r := range rows {
		err := db.WithContext(ctx).Model(&memberRow{}).Where("id = ?", r.ID).
			Update("search_text", searchText(r.Name, deref(r.Email), deref(r.AbcpID))).Error
		if err != nil {
			return TranslateError(err, "members")
		}
	}
	return nil
}

func (r memberRow) member(licenses []licenseRow) recert.Member {
	m := recert.Member{
		ID: r.ID, Name: r.Name, Email: deref(r.Email), ABCPID: deref(r.AbcpID), SocietyClass: deref(r.SocietyClass),
		Status: r.Status, Claimed: r.Claimed, Version: r.Version, Licenses: []recert.License{},
		Audit: recert.Audit{CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, UpdatedAt: r.UpdatedAt.UTC(), UpdatedBy: r.UpdatedBy},
	}
	if r.CertificationDate != nil {
		m.CertificationDate = r.CertificationDate.day()
	}
	if r.TrackingSince != nil {
		m.TrackingSince = r.TrackingSince.day()
	}
	if r.AbcpCycle != nil {
		m.ABCPCycle = *r.AbcpCycle
	}
	if r.BirthMonth != nil {
		m.BirthMonth = *r.BirthMonth
	}
	for _, l := range licenses {
		lic := recert.License{State: l.State, Number: l.Number}
		if l.IssuedOn != nil {
			lic.IssuedOn = l.IssuedOn.day()
		}
		if l.ExpiresOn != nil {
			lic.ExpiresOn = l.ExpiresOn.day()
		}
		m.Licenses = append(m.Licenses, lic)
	}
	return m
}

func licenseRows(memberID string, ls []recert.License) []licenseRow {
	rows := make([]licenseRow, 0, len(ls))
	for _, l := range ls {
		rows = append(rows, licenseRow{MemberID: memberID, State: l.State, Number: l.Number,
			IssuedOn: nullableDate(l.IssuedOn), ExpiresOn: nullableDate(l.ExpiresOn)})
	}
	return rows
}

// CreateMember stores a new member record, with its licences and, when orgID is set, its
// relation to that organization, in one transaction.
func (s *Store) CreateMember(ctx context.Context, m recert.Member, orgID, actor string) (recert.Member, error) {
	now := s.now()
	m.ID = recert.NewID(recert.PrefixMember)
	m.Version = 1
	if m.Status == "" {
		m.Status = "active"
	}
	m.Audit = recert.Audit{CreatedAt: now, CreatedBy: actor, UpdatedAt: now, UpdatedBy: actor}
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		row := toMemberRow(m)
		if err := tx.Omit("Claimed").Create(&row).Error; err != nil {
			return TranslateError(err, "a member with this email or ABCP ID")
		}
		if err := insertLicenses(tx, m.ID, m.Licenses); err != nil {
			return err
		}
		if orgID == "" {
			return nil
		}
		rel := organizationMemberRow{OrganizationID: orgID, MemberID: m.ID, CreatedAt: now, CreatedBy: actor}
		return TranslateError(tx.Create(&rel).Error, "organization "+orgID)
	})
	if err != nil {
		return recert.Member{}, err
	}
	return s.Member(ctx, m.ID)
}

func insertLicenses(tx *gorm.DB, memberID string, ls []recert.License) error {
	if len(ls) == 0 {
		return nil
	}
	rows := licenseRows(memberID, ls)
	return TranslateError(tx.Create(&rows).Error, "a licence (one per state)")
}

// memberQuery selects members with whether a login claims each.
func memberQuery(db *gorm.DB) *gorm.DB {
	return db.Table("members").
		Select("members.*, " + claimedSQL)
}

// Member returns one member record by id.
func (s *Store) Member(ctx context.Context, id string) (recert.Member, error) {
	ms, err := s.loadMembers(ctx, memberQuery(s.conn(ctx)).Where("members.id = ?", id))
	if err != nil {
		return recert.Member{}, err
	}
	if len(ms) == 0 {
		return recert.Member{}, recert.Errorf(recert.ENOTFOUND, "member %s not found", id)
	}
	return ms[0], nil
}

// Members lists members by id, a page at a time.
func (s *Store) Members(ctx context.Context, f recert.MemberFilter) ([]recert.Member, string, error) {
	f.Limit = pageLimit(f.Limit)
	rows, err := memberRows(ctx, s, f, memberColumnsSQL, scanMember)
	if err != nil {
		return nil, "", err
	}
	ms, err := s.withLicences(ctx, rows)
	if err != nil {
		return nil, "", err
	}
	ms, next := cut(ms, f.Limit, func(m recert.Member) string { return m.ID })
	return ms, next, nil
}

// MembersByID reads the members of ids (those that exist), by id.
func (s *Store) MembersByID(ctx context.Context, ids []string) ([]recert.Member, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := readRows(s.conn(ctx).Table("members").Select(memberColumnsSQL).Where("members.id IN ?", ids).Order("members.id"), scanMember)
	if err != nil {
		return nil, err
	}
	return s.withLicences(ctx, rows)
}

// MemberVersions is a page of the members f selects, as Members pages them, each only with
// its id and the Version their progress is evaluated from (Visible: the page holds only what
// the scope sees). Whatever is read of them afterwards is at least as new as the version, so
// an answer kept under it is never older than the record it names; and a page whose answers
// are all kept reads nothing of the members but this.
func (s *Store) MemberVersions(ctx context.Context, f recert.MemberFilter) ([]ledger.Subject, string, error) {
	f.Limit = pageLimit(f.Limit)
	out, err := memberRows(ctx, s, f, `members.id,
	COALESCE((SELECT v.version FROM member_ledger v WHERE v.member_id = members.id), 0) AS ledger_version,
	(SELECT COUNT(*) FROM programs) AS programs`, func(rows *sql.Rows) (ledger.Subject, error) {
		sub := ledger.Subject{Visible: true}
		return sub, rows.Scan(&sub.Member.ID, &sub.Version.Ledger, &sub.Version.Programs)
	})
	if err != nil {
		return nil, "", err
	}
	out, next := cut(out, f.Limit, func(s ledger.Subject) string { return s.Member.ID })
	return out, next, nil
}

const claimedSQL = `EXISTS (SELECT 1 FROM users WHERE users.member_id = members.id) AS claimed`

// memberColumnsSQL is a member's columns and whether a login claims them, as scanMember
// reads them.
const memberColumnsSQL = `members.id, members.name, members.email, members.abcp_id, members.certification_date,
	members.abcp_cycle, members.birth_month, members.society_class, members.status, members.tracking_since,
	members.version, members.created_at, members.created_by, members.updated_at, members.updated_by, ` + claimedSQL

func scanMember(rows *sql.Rows) (memberRow, error) {
	var m memberRow
	err := rows.Scan(&m.ID, &m.Name, &m.Email, &m.AbcpID, &m.CertificationDate, &m.AbcpCycle, &m.BirthMonth,
		&m.SocietyClass, &m.Status, &m.TrackingSince, &m.Version, &m.CreatedAt, &m.CreatedBy, &m.UpdatedAt, &m.UpdatedBy, &m.Claimed)
	return m, err
}

// readRows runs q and scans each row of it by hand.
func readRows[T any](q *gorm.DB, scan func(*sql.Rows) (T, error)) ([]T, error) {
	rows, err := q.Rows()
	return collect(rows, err, "members", scan)
}

// collect scans each of rows (the result of a query that failed with err, if it did) by
// hand and closes them; errors name what was read.
func collect[T any](rows *sql.Rows, err error, what string, scan func(*sql.Rows) (T, error)) ([]T, error) {
	if err != nil {
		return nil, TranslateError(err, what)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, TranslateError(err, what)
		}
		out = append(out, r)
	}
	return out, TranslateError(rows.Err(), what)
}

// memberRows reads the columns of a page of the members f selects, one more than the page to
// tell whether another follows. An organization's members are read through its rows of
// related_members, in id order: the page costs what it holds, whatever the registry's size.
func memberRows[T any](ctx context.Context, s *Store, f recert.MemberFilter, columns string, scan func(*sql.Rows) (T, error)) ([]T, error) {
	q := memberFilters(s.conn(ctx).Table("members").Select(columns), f)
	if !f.Scope.None() && !f.Scope.All() {
		q = q.Where("members.id IN ("+relatedMembers+")", f.Scope.IDs())
	}
	return readRows(q, scan)
}

// memberFilters narrows q to the members f selects after its cursor, in id order, one more
// than the page; memberRows adds the scope's relation.
func memberFilters(q *gorm.DB, f recert.MemberFilter) *gorm.DB {
	q = q.Order("members.id").Limit(f.Limit + 1)
	if f.After != "" {
		q = q.Where("members.id > ?", f.After)
	}
	if f.ABCPID != "" {
		q = q.Where("members.abcp_id = ?", f.ABCPID)
	}
	if f.Email != "" {
		q = q.Where("LOWER(members.email) = ?", recert.NormalizeEmail(f.Email))
	}
	if f.MemberID != "" {
		q = q.Where("members.id = ?", f.MemberID)
	}
	if t := recert.Fold(f.Text); t != "" {
		q = q.Where(`members.search_text LIKE ? ESCAPE '\'`, "%"+escapeLike(t)+"%")
	}
	if f.Scope.None() {
		q = q.Where("1 = 0")
	}
	return q
}

// loadMembers runs q and fetches the licences of every member found in one more query.
func (s *Store) loadMembers(ctx context.Context, q *gorm.DB) ([]recert.Member, error) {
	var rows []memberRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "members")
	}
	return s.withLicences(ctx, rows)
}

// withLicences makes members of rows, with the licences of all read in one query.
func (s *Store) withLicences(ctx context.Context, rows []memberRow) ([]recert.Member, error) {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	lics, err := s.licences(ctx, ids)
	if err != nil {
		return nil, err
	}
	byMember := groupBy(lics, func(l licenseRow) string { return l.MemberID })
	out := make([]recert.Member, len(rows))
	for i, r := range rows {
		out[i] = r.member(byMember[r.ID])
	}
	return out, nil
}

// licences reads the members' licences, by state, scanned by hand: a page of hundreds of
// members reads hundreds of them.
func (s *Store) licences(ctx context.Context, memberIDs []string) ([]licenseRow, error) {
	if len(memberIDs) == 0 {
		return nil, nil
	}
	const query = `SELECT member_id, state, number, issued_on, expires_on FROM member_licenses WHERE member_id `
	var rows *sql.Rows
	var err error
	if s.engine == Postgres { // the ids as one array, not one parameter each
		rows, err = s.conn(ctx).Statement.ConnPool.QueryContext(ctx, query+"= ANY($1) ORDER BY state", memberIDs)
	} else {
		rows, err = s.conn(ctx).Raw(query+"IN ? ORDER BY state", memberIDs).Rows()
	}
	return collect(rows, err, "licences", func(rows *sql.Rows) (l licenseRow, err error) {
		err = rows.Scan(&l.MemberID, &l.State, &l.Number, &l.IssuedOn, &l.ExpiresOn)
		return l, err
	})
}

// relatedMembers selects the members related to the organizations given as a parameter:
// those an organization created and those with attendance at its events, kept as rows of
// related_members by triggers (migration 00063).
const relatedMembers = `SELECT member_id FROM related_members WHERE organization_id IN ?`

// isRelated is the same relation asked of given members (members.id in the outer query): a
// key of related_members for each organization.
const isRelated = `EXISTS (SELECT 1 FROM related_members r WHERE r.member_id = members.id AND r.organization_id IN ?)`

// MemberRelated reports whether the member is in the scope: related to one of its
// organizations, or existing at all for every organization.
func (s *Store) MemberRelated(ctx context.Context, memberID string, scope recert.Scope) (bool, error) {
	if scope.None() {
		return false, nil
	}
	cond, args := inScopeSQL(memberID, scope)
	var ids []string
	err := s.conn(ctx).Raw("SELECT members.id FROM members WHERE "+cond, args...).Scan(&ids).Error
	return len(ids) > 0, TranslateError(err, "member relations")
}

// inScopeSQL is the condition on members that the row is the member and the scope (not
// none) sees it.
func inScopeSQL(memberID string, scope recert.Scope) (string, []any) {
	if scope.All() {
		return "members.id = ?", []any{memberID}
	}
	return "members.id = ? AND " + isRelated, []any{memberID, scope.IDs()}
}

// MemberRelatedFor is MemberRelated with the caller read in the same statement, as
// ProgressSubjectFor reads it (on the primary; only where FoldsCaller).
func (s *Store) MemberRelatedFor(ctx context.Context, memberID string, scope recert.Scope, caller ledger.CallerRead) (bool, ledger.Caller, error) {
	related, args := "FALSE", []any{}
	if !scope.None() {
		cond, more := inScopeSQL(memberID, scope)
		related, args = "EXISTS (SELECT 1 FROM members WHERE "+cond+")", more
	}
	c := s.callerScan(caller)
	rows, err := s.rows(onPrimary(ctx), "SELECT "+related+" AS related, c.* FROM (SELECT 1 AS one) x LEFT JOIN ("+c.query+") c ON 1 = 1",
		append(args, c.args...)...)
	if err != nil {
		return false, ledger.Caller{}, TranslateError(err, "member relations")
	}
	defer rows.Close()
	var ok bool
	if !rows.Next() {
		return false, ledger.Caller{}, TranslateError(rows.Err(), "member relations")
	}
	if err := rows.Scan(append([]any{&ok}, c.targets...)...); err != nil {
		return false, ledger.Caller{}, TranslateError(err, "member relations")
	}
	return ok, c.read(), TranslateError(rows.Err(), "member relations")
}

// UpdateMember applies change to the stored member when its version is still ifVersion
// (0: any), replacing its licences, and records actor as the last writer.
func (s *Store) UpdateMember(ctx context.Context, id string, ifVersion int, actor string, change func(*recert.Member) error) (recert.Member, error) {
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		ms, err := s.loadMembers(ctx, memberQuery(tx).Where("members.id = ?", id))
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return recert.Errorf(recert.ENOTFOUND, "member %s not found", id)
		}
		m := ms[0]
		if ifVersion != 0 && m.Version != ifVersion {
			return recert.Errorf(recert.EPRECONDITION, "member %s has changed (version %d, not %d); fetch it again", id, m.Version, ifVersion)
		}
		before := m
		before.Licenses = slices.Clone(m.Licenses)
		if err := change(&m); err != nil {
			return err
		}
		m.Version++
		m.UpdatedAt, m.UpdatedBy = s.now(), actor
		row := toMemberRow(m)
		if err := tx.Omit("Claimed", "CreatedAt", "CreatedBy").Save(&row).Error; err != nil {
			return TranslateError(err, "a member with this email or ABCP ID")
		}
		if err := writeMemberHistory(tx, m, before.Diff(m)); err != nil {
			return err
		}
		if err := tx.Where("member_id = ?", id).Delete(&licenseRow{}).Error; err != nil {
			return TranslateError(err, "licences")
		}
		return insertLicenses(tx, id, m.Licenses)
	})
	if err != nil {
		return recert.Member{}, err
	}
	return s.Member(ctx, id)
}

func nullableInt(v int) *int {
	if v == 0 {
		return nil
	}
	return &v
}

func nullableDate(d recert.Date) *date {
	if d.IsZero() {
		return nil
	}
	v := date(d)
	return &v
}
