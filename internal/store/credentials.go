package store

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"time"

	"gorm.io/gorm/clause"

	"github.com/recert-dev/recert/internal/recert"
)

type credentialRow struct {
	ID                string `gorm:"primaryKey"`
	AttendanceID      string
	AttendanceVersion int
	OrganizationID    string
	StatusList        int
	StatusIndex       int
	IssuedAt          time.Time
	Statement         string
	VCJWT             string `gorm:"column:vc_jwt"`
	PageWithdrawnAt   *time.Time
}

func (credentialRow) TableName() string { return "credentials" }

// statementJSON is how a credential's statement is kept: its own JSON, so that renaming a Go
// field never changes what an issued credential says.
type statementJSON struct {
	AttendeeName   string         `json:"attendee_name"`
	OrganizationID string         `json:"organization_id"`
	Sponsor        string         `json:"sponsor"`
	SponsorContact string         `json:"sponsor_contact,omitempty"`
	EventID        string         `json:"event_id"`
	EventTitle     string         `json:"event_title"`
	Format         string         `json:"format"`
	StartDate      string         `json:"start_date"`
	EndDate        string         `json:"end_date"`
	ApprovalRef    string         `json:"approval_ref,omitempty"`
	Sessions       []sessionJSON  `json:"sessions"`
	ByCategory     []categoryJSON `json:"by_category"`
	Total          int64          `json:"total_hundredths"`
	// AttendancePolicy is absent from statements issued before events had check-in rules.
	AttendancePolicy string `json:"attendance_policy,omitempty"`
}

type sessionJSON struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Date     string `json:"date"`
	Category string `json:"category"`
	CEUs     int64  `json:"ceus_hundredths"`
}

type categoryJSON struct {
	Category string `json:"category"`
	CEUs     int64  `json:"ceus_hundredths"`
}

func marshalStatement(st recert.CredentialStatement) (string, error) {
	j := statementJSON{AttendeeName: st.AttendeeName, OrganizationID: st.OrganizationID, Sponsor: st.Sponsor, SponsorContact: st.SponsorContact,
		EventID: st.EventID, EventTitle: st.EventTitle, Format: st.Format, StartDate: st.StartDate.String(), EndDate: st.EndDate.String(),
		ApprovalRef: st.ApprovalRef, Total: int64(st.Total), AttendancePolicy: st.AttendancePolicy, Sessions: []sessionJSON{}, ByCategory: []categoryJSON{}}
	for _, s := range st.Sessions {
		j.Sessions = append(j.Sessions, sessionJSON{ID: s.ID, Title: s.Title, Date: s.Date.String(), Category: s.Category, CEUs: int64(s.CEUs)})
	}
	for _, c := range st.ByCategory {
		j.ByCategory = append(j.ByCategory, categoryJSON{Category: c.Category, CEUs: int64(c.CEUs)})
	}
	b, err := json.Marshal(j)
	return string(b), err
}

func unmarshalStatement(s string) (recert.CredentialStatement, error) {
	var j statementJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return recert.CredentialStatement{}, err
	}
	start, err := recert.ParseDate(j.StartDate)
	if err != nil {
		return recert.CredentialStatement{}, err
	}
	end, err := recert.ParseDate(j.EndDate)
	if err != nil {
		return recert.CredentialStatement{}, err
	}
	st := recert.CredentialStatement{AttendeeName: j.AttendeeName, OrganizationID: j.OrganizationID, Sponsor: j.Sponsor,
		SponsorContact: j.SponsorContact, EventID: j.EventID, EventTitle: j.EventTitle, Format: j.Format, StartDate: start, EndDate: end,
		ApprovalRef: j.ApprovalRef, Total: recert.Units(j.Total), AttendancePolicy: j.AttendancePolicy}
	for _, s := range j.Sessions {
		d, err := recert.ParseDate(s.Date)
		if err != nil {
			return recert.CredentialStatement{}, err
		}
		st.Sessions = append(st.Sessions, recert.StatedSession{ID: s.ID, Title: s.Title, Date: d, Category: s.Category, CEUs: recert.Units(s.CEUs)})
	}
	for _, c := range j.ByCategory {
		st.ByCategory = append(st.ByCategory, recert.CategoryCEUs{Category: c.Category, CEUs: recert.Units(c.CEUs)})
	}
	return st, nil
}

func (r credentialRow) credential() (recert.Credential, error) {
	st, err := unmarshalStatement(r.Statement)
	if err != nil {
		return recert.Credential{}, recert.Wrap(err, recert.EINTERNAL, "credential "+r.ID+": its statement does not read")
	}
	c := recert.Credential{ID: r.ID, AttendanceID: r.AttendanceID, AttendanceVersion: r.AttendanceVersion,
		StatusList: r.StatusList, StatusIndex: r.StatusIndex, IssuedAt: r.IssuedAt.UTC(), Statement: st, VCJWT: r.VCJWT}
	if r.PageWithdrawnAt != nil {
		c.PageWithdrawn = r.PageWithdrawnAt.UTC()
	}
	return c, nil
}

// Credential returns the credential id, or an ENOTFOUND error.
func (s *Store) Credential(ctx context.Context, id string) (recert.Credential, error) {
	var row credentialRow
	if err := s.conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return recert.Credential{}, TranslateError(err, "credential")
	}
	return row.credential()
}

// CredentialFor returns the credential issued for the given version of an attendance, or
// an ENOTFOUND error when none was.
func (s *Store) CredentialFor(ctx context.Context, attendanceID string, version int) (recert.Credential, error) {
	var row credentialRow
	if err := s.conn(ctx).Where("attendance_id = ? AND attendance_version = ?", attendanceID, version).Take(&row).Error; err != nil {
		return recert.Credential{}, TranslateError(err, "credential")
	}
	return row.credential()
}

// LatestCredential returns the credential issued last for an attendance, or an ENOTFOUND
// error when none was.
func (s *Store) LatestCredential(ctx context.Context, attendanceID string) (recert.Credential, error) {
	var row credentialRow
	if err := s.conn(ctx).Where("attendance_id = ?", attendanceID).Order("attendance_version DESC").Take(&row).Error; err != nil {
		return recert.Credential{}, TranslateError(err, "credential")
	}
	return row.credential()
}

// IssueCredential records c, unless a credential was already issued for the same version of
// the attendance: then that one is returned, so two requests at once issue one credential.
// A status position another credential took in the meantime is an ECONFLICT error: draw
// another and try again.
func (s *Store) IssueCredential(ctx context.Context, c recert.Credential) (recert.Credential, error) {
	st, err := marshalStatement(c.Statement)
	if err != nil {
		return recert.Credential{}, err
	}
	row := credentialRow{ID: c.ID, AttendanceID: c.AttendanceID, AttendanceVersion: c.AttendanceVersion, IssuedAt: c.IssuedAt.UTC(),
		OrganizationID: c.Statement.OrganizationID, StatusList: c.StatusList, StatusIndex: c.StatusIndex, Statement: st, VCJWT: c.VCJWT}
	err = s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "attendance_id"}, {Name: "attendance_version"}}, DoNothing: true}).
		Create(&row).Error
	if err != nil {
		return recert.Credential{}, TranslateError(err, "credential")
	}
	return s.CredentialFor(onPrimary(ctx), c.AttendanceID, c.AttendanceVersion)
}

// statusListFill is how full a revocation list may get before new credentials go to the
// next one: three quarters, so that a random free position is found in a few draws.
const statusListFill = recert.StatusListSize / 4 * 3

// FreeStatusPosition draws a random free position for a new credential of the sponsor org
// in its revocation lists: in its last list, or a new one when that list is three quarters
// full.
func (s *Store) FreeStatusPosition(ctx context.Context, orgID string) (list, index int, err error) {
	ctx = onPrimary(ctx)
	var last struct {
		List  int
		Count int
	}
	err = s.conn(ctx).Model(&credentialRow{}).Select("status_list AS list, COUNT(*) AS count").Where("organization_id = ?", orgID).
		Group("status_list").Order("status_list DESC").Limit(1).Scan(&last).Error
	if err != nil {
		return 0, 0, TranslateError(err, "credentials")
	}
	list = max(last.List, 1)
	if last.Count >= statusListFill {
		list++
	}
	for range 64 {
		index = rand.IntN(recert.StatusListSize)
		var taken int64
		if err := s.conn(ctx).Model(&credentialRow{}).Where("organization_id = ? AND status_list = ? AND status_index = ?", orgID, list, index).
			Count(&taken).Error; err != nil {
			return 0, 0, TranslateError(err, "credentials")
		}
		if taken == 0 {
			return list, index, nil
		}
	}
	return 0, 0, recert.Errorf(recert.ECONFLICT, "no free position found in revocation list %d; try again", list)
}

// StatusListBits returns the positions set in a sponsor's revocation list: those of its
// credentials that no longer stand, because their attendance was revoked or has changed
// since. A list with no credentials at all is an ENOTFOUND error.
func (s *Store) StatusListBits(ctx context.Context, orgID string, list int) ([]int, error) {
	var n int64
	if err := s.conn(ctx).Model(&credentialRow{}).Where("organization_id = ? AND status_list = ?", orgID, list).Count(&n).Error; err != nil {
		return nil, TranslateError(err, "credentials")
	}
	if n == 0 {
		return nil, recert.Errorf(recert.ENOTFOUND, "revocation list %d of organization %s not found", list, orgID)
	}
	var set []int
	err := s.conn(ctx).Table("credentials AS c").Joins("JOIN attendance AS a ON a.id = c.attendance_id").
		Where("c.organization_id = ? AND c.status_list = ? AND (a.revoked_at IS NOT NULL OR a.version <> c.attendance_version)", orgID, list).
		Order("c.status_index").Pluck("c.status_index", &set).Error
	if err != nil {
		return nil, TranslateError(err, "credentials")
	}
	return set, nil
}

// SetCredentialPage takes a credential's verification page down (public false) or puts it
// back up, and returns the credential.
func (s *Store) SetCredentialPage(ctx context.Context, id string, public bool) (recert.Credential, error) {
	var at *time.Time
	if !public {
		now := s.now()
		at = &now
	}
	res := s.conn(ctx).Model(&credentialRow{}).Where("id = ?", id).Update("page_withdrawn_at", at)
	if res.Error != nil {
		return recert.Credential{}, TranslateError(res.Error, "credential")
	}
	if res.RowsAffected == 0 {
		return recert.Credential{}, recert.Errorf(recert.ENOTFOUND, "credential %s not found", id)
	}
	return s.Credential(onPrimary(ctx), id)
}
