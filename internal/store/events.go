package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

type eventRow struct {
	ID             string `gorm:"primaryKey"`
	OrganizationID string
	Title          string
	Description    *string
	Format         string
	Location       *string
	URL            *string `gorm:"column:url"`
	TimeZone       string
	StartDate      date
	EndDate        date
	Status         string
	ApprovalRef    *string
	Category       string
	ApprovedBy     string
	// EmailCertificates: each attendee a roster credits is e-mailed their certificate.
	EmailCertificates bool
	CheckInPolicy     string
	CheckInShare      int
	SelfCheckInOff    bool `gorm:"column:self_checkin_off"`
	RegistrationReq   bool `gorm:"column:registration_required"`
	Version           int
	CreatedAt         time.Time
	CreatedBy         string
	UpdatedAt         time.Time
	UpdatedBy         string
}

func (eventRow) TableName() string { return "events" }

type sessionRow struct {
	ID        string `gorm:"primaryKey"`
	EventID   string
	Position  int
	Code      string
	Category  *string
	Title     string
	Date      date
	StartTime *string
	EndTime   *string
	CEUs      recert.Units `gorm:"column:ceus"`
	Topics    string
	// ApprovedBy holds approver codes separated by spaces, like Topics.
	ApprovedBy   string
	CheckInFrom  string
	CheckInUntil string
}

func (sessionRow) TableName() string { return "sessions" }

func toEventRow(e recert.Event) eventRow {
	return eventRow{
		ID: e.ID, OrganizationID: e.OrganizationID, Title: e.Title, Description: nullable(e.Description),
		Format: e.Format, Location: nullable(e.Location), URL: nullable(e.URL), TimeZone: e.TimeZone,
		StartDate: date(e.StartDate), EndDate: date(e.EndDate), Status: e.Status, ApprovalRef: nullable(e.ApprovalRef),
		Category: e.Category, ApprovedBy: strings.Join(e.ApprovedBy, " "), EmailCertificates: e.EmailCertificates, Version: e.Version,
		CheckInPolicy: string(e.CheckIn.Policy), CheckInShare: e.CheckIn.SharePercent, SelfCheckInOff: e.CheckIn.SelfCheckInOff,
		RegistrationReq: e.CheckIn.RegistrationRequired,
		CreatedAt:       e.CreatedAt, CreatedBy: e.CreatedBy, UpdatedAt: e.UpdatedAt, UpdatedBy: e.UpdatedBy,
	}
}

func (r eventRow) event(sessions []sessionRow) recert.Event {
	e := recert.Event{
		ID: r.ID, OrganizationID: r.OrganizationID, Title: r.Title, Description: deref(r.Description),
		Format: r.Format, Location: deref(r.Location), URL: deref(r.URL), TimeZone: r.TimeZone,
		StartDate: r.StartDate.day(), EndDate: r.EndDate.day(), Status: r.Status, ApprovalRef: deref(r.ApprovalRef),
		Category: r.Category, ApprovedBy: strings.Fields(r.ApprovedBy), EmailCertificates: r.EmailCertificates, Version: r.Version, Sessions: make([]recert.Session, 0, len(sessions)),
		CheckIn: recert.CheckInRules{Policy: recert.PresencePolicy(r.CheckInPolicy), SharePercent: r.CheckInShare,
			SelfCheckInOff: r.SelfCheckInOff, RegistrationRequired: r.RegistrationReq},
		Audit: recert.Audit{CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, UpdatedAt: r.UpdatedAt.UTC(), UpdatedBy: r.UpdatedBy},
	}
	for _, s := range sessions {
		e.Sessions = append(e.Sessions, s.session())
	}
	return e
}

func toSessionRow(eventID string, position int, s recert.Session) sessionRow {
	return sessionRow{
		ID: s.ID, EventID: eventID, Position: position, Code: s.Code, Category: nullable(s.Category), Title: s.Title, Date: date(s.Date),
		StartTime: nullable(s.StartTime), EndTime: nullable(s.EndTime), CEUs: s.CEUs,
		Topics: strings.Join(s.Topics, " "), ApprovedBy: strings.Join(s.ApprovedBy, " "),
		CheckInFrom: s.CheckInFrom, CheckInUntil: s.CheckInUntil,
	}
}

func (r sessionRow) session() recert.Session {
	return recert.Session{
		ID: r.ID, Code: r.Code, Category: deref(r.Category), Title: r.Title, Date: r.Date.day(), StartTime: deref(r.StartTime), EndTime: deref(r.EndTime),
		CEUs: r.CEUs, Topics: strings.Fields(r.Topics), ApprovedBy: strings.Fields(r.ApprovedBy),
		CheckInFrom: r.CheckInFrom, CheckInUntil: r.CheckInUntil,
	}
}

// CreateEvent stores a new event with its sessions, in their order, on behalf of actor. It
// assigns every id; the status is draft unless e says otherwise.
func (s *Store) CreateEvent(ctx context.Context, e recert.Event, actor string) (recert.Event, error) {
	now := s.now()
	e.ID = recert.NewID(recert.PrefixEvent)
	if e.Status == "" {
		e.Status = recert.EventDraft
	}
	e.Version = 1
	e.Audit = recert.Audit{CreatedAt: now, CreatedBy: actor, UpdatedAt: now, UpdatedBy: actor}
	e.Sessions = slices.Clone(e.Sessions) // codes are assigned on the store's copy
	recert.AssignSessionCodes(e.Sessions)
	if err := (recert.Event{Status: e.Status, Sessions: e.Sessions}).SessionsProblem(); err != nil {
		return recert.Event{}, err
	}
	sessions := make([]sessionRow, len(e.Sessions))
	for i, ses := range e.Sessions {
		ses.ID = recert.NewID(recert.PrefixSession)
		sessions[i] = toSessionRow(e.ID, i, ses)
	}
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		row := toEventRow(e)
		if err := tx.Create(&row).Error; err != nil {
			err = TranslateError(err, "event")
			// The only reference an event makes is to its organization.
			if recert.ErrorCode(err) == recert.ECONFLICT {
				return recert.Errorf(recert.EINVALID, "organization %s does not exist", e.OrganizationID)
			}
			return err
		}
		if len(sessions) == 0 {
			return nil
		}
		return TranslateError(tx.CreateInBatches(&sessions, batchSize).Error, "session")
	})
	if err != nil {
		return recert.Event{}, err
	}
	return s.Event(ctx, e.ID)
}

// Event returns one event with its sessions in order.
func (s *Store) Event(ctx context.Context, id string) (recert.Event, error) {
	return s.eventTx(s.conn(ctx), id)
}

// eventTx reads an event through db, which may be a transaction.
func (s *Store) eventTx(db *gorm.DB, id string) (recert.Event, error) {
	es, err := loadEvents(db, db.Where("id = ?", id))
	if err != nil {
		return recert.Event{}, err
	}
	if len(es) == 0 {
		return recert.Event{}, recert.Errorf(recert.ENOTFOUND, "event %s not found", id)
	}
	return es[0], nil
}

// loadEvents runs q and fetches the sessions of every event found in one more query, so a
// page of events costs two queries whatever its size.
func loadEvents(db, q *gorm.DB) ([]recert.Event, error) {
	var rows []eventRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "events")
	}
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var sessions []sessionRow
	if err := db.Where("event_id IN ?", ids).Order("event_id, position").Find(&sessions).Error; err != nil {
		return nil, TranslateError(err, "sessions")
	}
	byEvent := groupBy(sessions, func(r sessionRow) string { return r.EventID })
	out := make([]recert.Event, len(rows))
	for i, r := range rows {
		out[i] = r.event(byEvent[r.ID])
	}
	return out, nil
}

// Events lists events in (start date, id) order, a page at a time. The cursor it returns
// holds the last event's start date and id, since the id alone does not say where the
// page ended in date order.
func (s *Store) Events(ctx context.Context, f recert.EventFilter) ([]recert.Event, string, error) {
	limit := pageLimit(f.Limit)
	db := s.conn(ctx)
	order, after := "start_date, id", "(start_date > ? OR (start_date = ? AND id > ?))"
	if f.NewestFirst {
		order, after = "start_date DESC, id DESC", "(start_date < ? OR (start_date = ? AND id < ?))"
	}
	q := db.Model(&eventRow{}).Order(order).Limit(limit + 1)
	if f.After != "" {
		day, id, err := parseEventCursor(f.After)
		if err != nil {
			return nil, "", err
		}
		q = q.Where(after, date(day), date(day), id)
	}
	q = filterEvents(q, f)
	es, err := loadEvents(db, q)
	if err != nil {
		return nil, "", err
	}
	es, next := cut(es, limit, func(e recert.Event) string { return e.StartDate.String() + "|" + e.ID })
	return es, next, nil
}

func filterEvents(q *gorm.DB, f recert.EventFilter) *gorm.DB {
	if !f.From.IsZero() {
		q = q.Where("end_date >= ?", date(f.From))
	}
	if !f.To.IsZero() {
		q = q.Where("start_date <= ?", date(f.To))
	}
	if f.Category != "" {
		q = q.Where("category = ?", f.Category)
	}
	if f.Format != "" {
		q = q.Where("format = ?", f.Format)
	}
	q = inScope(q, "organization_id", f.Scope)
	if f.Statuses != nil {
		q = q.Where("status IN ?", slices.Concat(f.Statuses, []string{""}))
	}
	if ref := strings.TrimSpace(f.ApprovalRef); ref != "" {
		q = q.Where("UPPER(approval_ref) = ?", strings.ToUpper(ref))
	}
	if text := strings.TrimSpace(f.Text); text != "" {
		// LOWER and an explicit ESCAPE behave the same on both engines (ILIKE is PostgreSQL's).
		p := "%" + escapeLike(strings.ToLower(text)) + "%"
		q = q.Where(`(LOWER(title) LIKE ? ESCAPE '\' OR LOWER(description) LIKE ? ESCAPE '\' OR LOWER(location) LIKE ? ESCAPE '\')`, p, p, p)
	}
	return q
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func parseEventCursor(c string) (recert.Date, string, error) {
	date, id, ok := strings.Cut(c, "|")
	d, err := recert.ParseDate(date)
	if !ok || err != nil || !strings.HasPrefix(id, recert.PrefixEvent+"_") {
		return recert.Date{}, "", recert.Errorf(recert.EBADREQUEST, "the cursor %q is not one this API gave", c)
	}
	return d, id, nil
}

// UpdateEvent applies change to the stored event when its version is still ifVersion (0:
// any) and it is not cancelled. Sessions are matched by id: kept ones are updated in place,
// ones without an id are added, missing ones are deleted. A session that has attendance
// keeps its date and CEUs and cannot be deleted, since credits were issued on them. The id,
// organization and status cannot change here.
func (s *Store) UpdateEvent(ctx context.Context, id string, ifVersion int, actor string, change func(*recert.Event) error) (recert.Event, error) {
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		old, err := s.eventTx(tx, id)
		if err != nil {
			return err
		}
		if ifVersion != 0 && old.Version != ifVersion {
			return recert.Errorf(recert.EPRECONDITION, "event %s has changed (version %d, not %d); fetch it again", id, old.Version, ifVersion)
		}
		if old.Status == recert.EventCancelled {
			return recert.Errorf(recert.ECONFLICT, "event %s is cancelled and cannot be changed", id)
		}
		e := old
		e.Sessions = slices.Clone(old.Sessions)
		if err := change(&e); err != nil {
			return err
		}
		e.ID, e.OrganizationID, e.Status = old.ID, old.OrganizationID, old.Status
		keepSessionCodes(old.Sessions, e.Sessions)
		if err := e.SessionsProblem(); err != nil {
			return err
		}
		e.Version, e.CreatedAt, e.CreatedBy = old.Version+1, old.CreatedAt, old.CreatedBy
		e.UpdatedAt, e.UpdatedBy = s.now(), actor
		// Bump the version first: in PostgreSQL the row lock it takes makes a concurrent
		// roster (which locks the same row) wait, so the attendance checks below are current.
		if err := bumpEvent(tx, e, old.Version); err != nil {
			return err
		}
		if err := syncSessions(tx, id, old.Sessions, e.Sessions); err != nil {
			return err
		}
		if regrouped(old.Sessions, e.Sessions) {
			return s.classesUpdate(tx, "event_id = ?", id)
		}
		return nil
	})
	if err != nil {
		return recert.Event{}, err
	}
	return s.Event(ctx, id)
}

// bumpEvent writes e's own fields if the stored version is still was.
func bumpEvent(tx *gorm.DB, e recert.Event, was int) error {
	r := toEventRow(e)
	res := tx.Model(&eventRow{}).Where("id = ? AND version = ?", e.ID, was).Updates(map[string]any{
		"title": r.Title, "description": r.Description, "format": r.Format, "location": r.Location,
		"url": r.URL, "time_zone": r.TimeZone, "start_date": r.StartDate, "end_date": r.EndDate,
		"approval_ref": r.ApprovalRef, "category": r.Category, "approved_by": r.ApprovedBy, "email_certificates": r.EmailCertificates, "version": r.Version,
		"check_in_policy": r.CheckInPolicy, "check_in_share": r.CheckInShare, "self_checkin_off": r.SelfCheckInOff,
		"registration_required": r.RegistrationReq,
		"updated_at":            r.UpdatedAt, "updated_by": r.UpdatedBy,
	})
	if res.Error != nil {
		return TranslateError(res.Error, "event")
	}
	if res.RowsAffected == 0 {
		return recert.Errorf(recert.EPRECONDITION, "event %s was changed by someone else meanwhile; fetch it again", e.ID)
	}
	return nil
}

// regrouped reports whether a kept session's category, topics or approvers changed: what
// sums its attendance's credit classes (its date and CEUs do not change once attended).
func regrouped(old, next []recert.Session) bool {
	for _, was := range old {
		for _, ses := range next {
			if ses.ID == was.ID && (ses.Category != was.Category || !slices.Equal(ses.Topics, was.Topics) ||
				!slices.Equal(ses.ApprovedBy, was.ApprovedBy)) {
				return true
			}
		}
	}
	return false
}

// syncSessions makes the stored sessions of the event match next. Sessions that go are
// deleted first, so a new session may take a code one of them had.
func syncSessions(tx *gorm.DB, eventID string, old, next []recert.Session) error {
	attended, err := attendedSessions(tx, eventID, old)
	if err != nil {
		return err
	}
	byID := make(map[string]recert.Session, len(old))
	for _, ses := range old {
		byID[ses.ID] = ses
	}
	kept := map[string]bool{}
	for _, ses := range next {
		if ses.ID != "" && kept[ses.ID] {
			return recert.Errorf(recert.EINVALID, "session %s is listed twice", ses.ID)
		}
		kept[ses.ID] = true
	}
	var gone []string
	for _, ses := range old {
		if kept[ses.ID] {
			continue
		}
		if attended[ses.ID] {
			return recert.Errorf(recert.ECONFLICT, "session %s (%s) has attendance and cannot be deleted", ses.ID, ses.Title)
		}
		gone = append(gone, ses.ID)
	}
	if len(gone) > 0 {
		if err := tx.Where("id IN ?", gone).Delete(&sessionRow{}).Error; err != nil {
			return TranslateError(err, "session")
		}
	}
	// Kept sessions whose code changes take their unique id as a code for a moment, so two
	// sessions may trade codes without colliding on the way.
	for _, ses := range next {
		if was, ok := byID[ses.ID]; ok && was.Code != ses.Code {
			if err := tx.Model(&sessionRow{}).Where("id = ?", ses.ID).Update("code", ses.ID).Error; err != nil {
				return TranslateError(err, "session")
			}
		}
	}
	for i, ses := range next {
		if err := saveSession(tx, eventID, i, ses, byID, attended); err != nil {
			return err
		}
	}
	return nil
}

// saveSession inserts a new session (empty id) or updates a kept one when it changed.
func saveSession(tx *gorm.DB, eventID string, pos int, ses recert.Session, old map[string]recert.Session, attended map[string]bool) error {
	if ses.ID == "" {
		ses.ID = recert.NewID(recert.PrefixSession)
		row := toSessionRow(eventID, pos, ses)
		return TranslateError(tx.Create(&row).Error, "session")
	}
	was, ok := old[ses.ID]
	if !ok {
		return recert.Errorf(recert.EINVALID, "session %s is not a session of event %s", ses.ID, eventID)
	}
	if attended[ses.ID] && (was.CEUs != ses.CEUs || was.Date != ses.Date) {
		return recert.Errorf(recert.ECONFLICT, "session %s (%s) has attendance: its date and CEUs cannot change", ses.ID, was.Title)
	}
	row := toSessionRow(eventID, pos, ses)
	return TranslateError(tx.Model(&sessionRow{}).Where("id = ?", ses.ID).Updates(map[string]any{
		"position": row.Position, "code": row.Code, "category": row.Category, "title": row.Title, "date": row.Date, "start_time": row.StartTime,
		"end_time": row.EndTime, "ceus": row.CEUs, "topics": row.Topics, "approved_by": row.ApprovedBy,
		"check_in_from": row.CheckInFrom, "check_in_until": row.CheckInUntil,
	}).Error, "session "+ses.ID)
}

// attendedSessions returns which of the sessions have attendance, revoked or not: revoked
// attendance is kept as a record and still refers to its sessions.
func attendedSessions(tx *gorm.DB, eventID string, sessions []recert.Session) (map[string]bool, error) {
	out := map[string]bool{}
	if len(sessions) == 0 {
		return out, nil
	}
	ids := make([]string, len(sessions))
	for i, ses := range sessions {
		ids[i] = ses.ID
	}
	var found []string
	err := tx.Table("attendance_sessions").Distinct("session_id").Where("event_id = ? AND session_id IN ?", eventID, ids).
		Pluck("session_id", &found).Error
	if err != nil {
		return nil, TranslateError(err, "attendance")
	}
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}

// SetEventStatus moves the event to status to. Publishing needs at least one session.
func (s *Store) SetEventStatus(ctx context.Context, id, to, actor string) (recert.Event, error) {
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		e, err := s.eventTx(tx, id)
		if err != nil {
			return err
		}
		if err := e.Transition(to); err != nil {
			return err
		}
		res := tx.Model(&eventRow{}).Where("id = ? AND version = ?", id, e.Version).Updates(map[string]any{
			"status": to, "version": e.Version + 1, "updated_at": s.now(), "updated_by": actor,
		})
		if res.Error != nil {
			return TranslateError(res.Error, "event")
		}
		if res.RowsAffected == 0 {
			return recert.Errorf(recert.ECONFLICT, "event %s was changed by someone else meanwhile; fetch it again", id)
		}
		return nil
	})
	if err != nil {
		return recert.Event{}, err
	}
	return s.Event(ctx, id)
}

// pageLimit guards against a zero limit, which would otherwise return empty pages forever.
func pageLimit(limit int) int {
	if limit <= 0 {
		return 50
	}
	return limit
}

// batchSize is how many rows one multi-row INSERT carries: large enough to cut round trips,
// small enough to stay far below both engines' bound-parameter limits.
const batchSize = 1000

// keepSessionCodes gives kept sessions that name no code their stored one, then new
// sessions the first free default codes: a code once given never changes unless asked.
func keepSessionCodes(old, next []recert.Session) {
	codes := make(map[string]string, len(old))
	for _, s := range old {
		codes[s.ID] = s.Code
	}
	for i := range next {
		if next[i].Code == "" && next[i].ID != "" {
			next[i].Code = codes[next[i].ID]
		}
	}
	recert.AssignSessionCodes(next)
}
