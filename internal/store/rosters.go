package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// The store is the ledger's storage.
var (
	_ ledger.RosterStore      = (*Store)(nil)
	_ ledger.IdempotencyStore = (*Store)(nil)
)

type postingRow struct {
	ID             string `gorm:"primaryKey"`
	EventID        string
	RowCount       int
	CreatedCount   int
	UpdatedCount   int
	CreatedAt      time.Time
	CreatedBy      string
	WithdrawnAt    *time.Time
	WithdrawnBy    *string
	WithdrawReason *string
}

func (postingRow) TableName() string { return "roster_postings" }

func (r postingRow) posting() recert.RosterPosting {
	p := recert.RosterPosting{ID: r.ID, EventID: r.EventID, Rows: r.RowCount, Created: r.CreatedCount, Updated: r.UpdatedCount,
		CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, WithdrawnBy: deref(r.WithdrawnBy), WithdrawReason: deref(r.WithdrawReason)}
	if r.WithdrawnAt != nil {
		p.WithdrawnAt = r.WithdrawnAt.UTC()
	}
	return p
}

// LockEvent locks the event's row, so rosters and corrections for one event take turns and
// a concurrent status change or session edit waits, then reads the event (after the lock,
// so PostgreSQL reads its current state).
func (s *Store) LockEvent(ctx context.Context, id string) (recert.Event, error) {
	tx := s.conn(ctx)
	found, err := s.lockEventRow(tx, "id = ?", id)
	if err != nil {
		return recert.Event{}, err
	}
	if !found {
		return recert.Event{}, recert.Errorf(recert.ENOTFOUND, "event %s not found", id)
	}
	return s.eventTx(tx, id)
}

// lockEventRow locks the event row matching where until the transaction ends, and says
// whether there is one. On PostgreSQL it is SELECT ... FOR UPDATE; an SQLite transaction
// holds the database's write lock from its start, so there it only looks. It does not
// update the row: an update would fire the ledger triggers and bump the version of every
// member credited at the event, as if the event had changed.
func (s *Store) lockEventRow(tx *gorm.DB, where string, args ...any) (bool, error) {
	q := "SELECT id FROM events WHERE " + where
	if s.engine == Postgres {
		q += " FOR UPDATE"
	}
	var ids []string
	if err := tx.Raw(q, args...).Scan(&ids).Error; err != nil {
		return false, TranslateError(err, "event")
	}
	return len(ids) > 0, nil
}

// FindMembers returns the members having any of the ABCP IDs, emails (compared lowercased:
// members.email is stored as given) or ids: on PostgreSQL in one statement per kind of key,
// the keys in one array; on SQLite in batches.
func (s *Store) FindMembers(ctx context.Context, abcpIDs, emails, ids []string) ([]ledger.MemberRef, error) {
	var out []ledger.MemberRef
	seen := map[string]bool{}
	add := func(ms []memberRow) {
		for _, m := range ms {
			if !seen[m.ID] {
				seen[m.ID] = true
				out = append(out, ledger.MemberRef{ID: m.ID, Name: m.Name, ABCPID: deref(m.AbcpID), Email: deref(m.Email)})
			}
		}
	}
	find := func(column string, keys []string) error {
		if len(keys) == 0 {
			return nil
		}
		if s.engine == Postgres {
			ms, err := s.membersWhereAny(ctx, column, keys)
			add(ms)
			return err
		}
		for chunk := range slices.Chunk(keys, batchSize) {
			var ms []memberRow
			if err := s.conn(ctx).Select("id, name, email, abcp_id").Where(column+" IN ?", chunk).Order("id").Find(&ms).Error; err != nil {
				return TranslateError(err, "members")
			}
			add(ms)
		}
		return nil
	}
	if err := find("abcp_id", abcpIDs); err != nil {
		return nil, err
	}
	if err := find("LOWER(email)", emails); err != nil {
		return nil, err
	}
	return out, find("id", ids)
}

// membersWhereAny reads the members whose column is any of keys, passed to PostgreSQL as
// one text array (pgx encodes a []string so; gorm would expand it into one parameter each).
func (s *Store) membersWhereAny(ctx context.Context, column string, keys []string) ([]memberRow, error) {
	rows, err := s.conn(ctx).Statement.ConnPool.QueryContext(ctx,
		"SELECT id, name, email, abcp_id FROM members WHERE "+column+" = ANY($1) ORDER BY id", keys)
	return collect(rows, err, "members", func(rows *sql.Rows) (m memberRow, err error) {
		err = rows.Scan(&m.ID, &m.Name, &m.Email, &m.AbcpID)
		return m, err
	})
}

// RelatedMembers returns which of the members the scope sees: those related to one of its
// organizations (every one for all organizations).
func (s *Store) RelatedMembers(ctx context.Context, scope recert.Scope, memberIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if scope.None() {
		return out, nil
	}
	if scope.All() {
		for _, id := range memberIDs {
			out[id] = true
		}
		return out, nil
	}
	orgIDs := scope.IDs()
	for chunk := range slices.Chunk(memberIDs, batchSize) {
		var ids []string
		err := s.conn(ctx).Raw("SELECT members.id FROM members WHERE members.id IN ? AND "+isRelated, chunk, orgIDs).Scan(&ids).Error
		if err != nil {
			return nil, TranslateError(err, "member relations")
		}
		for _, id := range ids {
			out[id] = true
		}
	}
	return out, nil
}

// lastChangeRow is the latest credit-changing step of an attendance's history.
type lastChangeRow struct {
	AttendanceID string
	At           time.Time
	Source       *string
	Reason       *string
	ActorName    string
	AfterState   string
}

// HeldAttendance returns all attendance at the event with the last change to each.
func (s *Store) HeldAttendance(ctx context.Context, eventID string) ([]ledger.Held, error) {
	db := s.conn(ctx)
	as, err := loadAttendance(db, db.Where("event_id = ?", eventID).Order("id"))
	if err != nil {
		return nil, err
	}
	var rows []lastChangeRow
	err = db.Raw(`SELECT h.attendance_id, h.at, h.source, h.reason, h.after_state, COALESCE(u.name, h.actor) AS actor_name
FROM history h JOIN attendance a ON a.id = h.attendance_id LEFT JOIN users u ON u.id = h.actor
WHERE a.event_id = ? AND h.action IN ('created', 'updated', 'revoked', 'dispute_accepted', 'dispute_rejected')`, eventID).Scan(&rows).Error
	if err != nil {
		return nil, TranslateError(err, "attendance history")
	}
	last := map[string]lastChangeRow{}
	for _, r := range rows {
		// Each change bumps the version, which orders changes even within one clock tick;
		// notes repeat the version they are about, and the later of those wins by time.
		if l, ok := last[r.AttendanceID]; !ok || later(r, l) {
			last[r.AttendanceID] = r
		}
	}
	out := make([]ledger.Held, len(as))
	for i, a := range as {
		l := last[a.ID]
		out[i] = ledger.Held{Attendance: a, Last: ledger.Decision{Source: deref(l.Source), At: l.At, By: l.ActorName, Reason: deref(l.Reason)}}
	}
	return out, nil
}

func later(a, b lastChangeRow) bool {
	va, vb := stateVersion(a.AfterState), stateVersion(b.AfterState)
	if va != vb {
		return va > vb
	}
	return a.At.After(b.At)
}

// stateVersion reads the version of a history state without decoding it: a roster compares
// the history of every attendance at its event. The key "version" is found by its quoted
// name, which a string value cannot hold unescaped; sessions have no version.
func stateVersion(state string) int {
	i := strings.Index(state, `"version":`)
	if i < 0 {
		return 0
	}
	rest := state[i+len(`"version":`):]
	end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(rest)
	}
	v, _ := strconv.Atoi(rest[:end])
	return v
}

// The columns a roster writes, in the order of the values below.
var (
	memberColumns = []string{"id", "name", "email", "abcp_id", "status", "version",
		"created_at", "created_by", "updated_at", "updated_by", "search_text"}
	attendanceColumns = []string{"id", "event_id", "member_id", "sessions", "credit_classes", "ceus_awarded", "revoked_at", "revoke_reason", "version",
		"created_at", "created_by", "updated_at", "updated_by"}
	historyColumns = []string{"id", "attendance_id", "at", "actor", "action", "reason", "before_state", "after_state",
		"posting_id", "source"}
)

// WriteRoster writes, parents first, the posting, the new members, attendance and history:
// new rows in bulk (insertRows), changed attendance by an upsert on its id.
func (s *Store) WriteRoster(ctx context.Context, w ledger.RosterWrite) error {
	tx := s.conn(ctx)
	var postingID *string
	if w.Posting != nil {
		p := w.Posting
		postingID = &p.ID
		row := postingRow{ID: p.ID, EventID: p.EventID, RowCount: p.Rows, CreatedCount: p.Created, UpdatedCount: p.Updated,
			CreatedAt: w.At, CreatedBy: w.Actor}
		if err := tx.Create(&row).Error; err != nil {
			return TranslateError(err, "roster posting")
		}
	}
	// Values every row shares are boxed once.
	at, actor, active, one := any(w.At), any(w.Actor), any("active"), any(1)
	members := make([][]any, len(w.NewMembers))
	for i, m := range w.NewMembers {
		members[i] = []any{m.ID, m.Name, nullable(m.Email), nullable(m.ABCPID), active, one,
			at, actor, at, actor, searchText(m.Name, m.Email, m.ABCPID)}
	}
	if err := s.insertRows(ctx, "members", memberColumns, members, "a member with this email or ABCP ID"); err != nil {
		return err
	}
	created := make([][]any, len(w.Created))
	history := make([][]any, 0, len(w.Created)+len(w.Updated))
	add := func(before *recert.Attendance, after recert.Attendance, action, source string) {
		reason := w.Reason
		if source == recert.SourceOverride {
			reason += ", with override=true over an earlier decision"
		}
		h := historyEntry(before, after, action, reason, w.Actor, w.At)
		history = append(history, []any{h.ID, h.AttendanceID, at, actor, h.Action, h.Reason, h.BeforeState, h.AfterState,
			postingID, source})
	}
	sessions, err := rosterSessions(tx, w.Created)
	if err != nil {
		return err
	}
	// By the sessions' JSON, boxed once: a roster's attendees mostly share a few lists.
	classes := map[string]any{}
	for i, a := range w.Created {
		attended := encodeSessions(a.Sessions)
		sums, ok := classes[attended]
		if !ok {
			sums = creditClasses(a.Sessions, sessions)
			classes[attended] = sums
		}
		created[i] = []any{a.ID, a.EventID, a.MemberID, attended, sums, int64(a.CEUsAwarded), nil, nullable(a.RevokeReason),
			a.Version, a.CreatedAt, a.CreatedBy, a.UpdatedAt, a.UpdatedBy}
		add(nil, a, "created", w.Source)
	}
	if err := s.insertRows(ctx, "attendance", attendanceColumns, created, "attendance of this member at this event"); err != nil {
		return err
	}
	updated := make([]attendanceRow, len(w.Updated))
	for i, u := range w.Updated {
		updated[i] = toAttendanceRow(u.After, nil)
		add(&u.Before, u.After, "updated", u.Source)
	}
	// An upsert on the id updates many records in one statement on both engines.
	upsert := clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, DoUpdates: clause.AssignmentColumns(
		[]string{"sessions", "ceus_awarded", "revoked_at", "revoke_reason", "version", "updated_at", "updated_by"})}
	if err := insertAll(tx.Clauses(upsert), updated, "attendance"); err != nil {
		return err
	}
	if len(updated) > 0 {
		ids := make([]string, len(updated))
		for i, u := range updated {
			ids[i] = u.ID
		}
		if err := s.classesUpdate(tx, "id IN ?", ids); err != nil {
			return err
		}
	}
	return s.insertRows(ctx, "history", historyColumns, history, "attendance history")
}

// rosterSessions reads the sessions of the events new attendance is at, by id.
func rosterSessions(tx *gorm.DB, created []recert.Attendance) (map[string]sessionRow, error) {
	var events []string
	for _, a := range created {
		if !slices.Contains(events, a.EventID) {
			events = append(events, a.EventID)
		}
	}
	if len(events) == 0 {
		return nil, nil
	}
	var rows []sessionRow
	if err := tx.Where("event_id IN ?", events).Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "sessions")
	}
	out := make(map[string]sessionRow, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// insertRows inserts rows of values for columns into table: with COPY on PostgreSQL, else
// in multi-row INSERTs of batchSize rows sent straight to the driver.
func (s *Store) insertRows(ctx context.Context, table string, columns []string, rows [][]any, what string) error {
	if copied, err := s.copyFrom(ctx, table, columns, rows); copied {
		return TranslateError(err, what)
	}
	pool := s.conn(ctx).Statement.ConnPool
	args := make([]any, 0, min(len(rows), batchSize)*len(columns))
	var query string // the statement of a full batch, which every batch but the last is
	for chunk := range slices.Chunk(rows, batchSize) {
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r...)
		}
		if query == "" || len(chunk) < batchSize {
			query = s.insertStatement(table, columns, len(chunk))
		}
		if _, err := pool.ExecContext(ctx, query, args...); err != nil {
			return TranslateError(err, what)
		}
	}
	return nil
}

// insertStatement is an INSERT of n rows into table's columns.
func (s *Store) insertStatement(table string, columns []string, n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range columns {
			if j > 0 {
				b.WriteString(", ")
			}
			s.placeholder(&b, i*len(columns)+j+1)
		}
		b.WriteByte(')')
	}
	return b.String()
}

// placeholder writes the n-th (from 1) parameter of a statement in the engine's syntax.
func (s *Store) placeholder(b *strings.Builder, n int) {
	if s.engine == Postgres {
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
		return
	}
	b.WriteByte('?')
}

// Postings lists the event's roster postings, newest first.
func (s *Store) Postings(ctx context.Context, eventID string) ([]recert.RosterPosting, error) {
	var rows []postingRow
	if err := s.conn(ctx).Where("event_id = ?", eventID).Order("created_at DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "roster postings")
	}
	out := make([]recert.RosterPosting, len(rows))
	for i, r := range rows {
		out[i] = r.posting()
	}
	return out, nil
}

// WithdrawPosting revokes every attendance the posting created that is not revoked yet,
// each with its history entry, and marks the posting withdrawn.
func (s *Store) WithdrawPosting(ctx context.Context, eventID, postingID, reason, actor string) (recert.RosterPosting, []recert.Attendance, error) {
	var out recert.RosterPosting
	var revoked []recert.Attendance
	err := s.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.LockEvent(ctx, eventID); err != nil {
			return err
		}
		tx := s.conn(ctx)
		var rows []postingRow
		if err := tx.Where("id = ? AND event_id = ?", postingID, eventID).Limit(1).Find(&rows).Error; err != nil {
			return TranslateError(err, "roster posting")
		}
		if len(rows) == 0 {
			return recert.Errorf(recert.ENOTFOUND, "posting %s of event %s not found", postingID, eventID)
		}
		if rows[0].WithdrawnAt != nil {
			return recert.Errorf(recert.ECONFLICT, "posting %s was already withdrawn", postingID)
		}
		q := tx.Where("revoked_at IS NULL AND id IN (SELECT attendance_id FROM history WHERE posting_id = ? AND action = 'created')", postingID)
		as, err := loadAttendance(tx, q)
		if err != nil {
			return err
		}
		for _, a := range as {
			next := a
			next.Revoked, next.RevokeReason = true, reason
			after, err := s.changeAttendance(tx, a, next, "revoked", reason, recert.SourceWithdrawal, actor)
			if err != nil {
				return err
			}
			revoked = append(revoked, after)
		}
		now := s.now()
		r := rows[0]
		r.WithdrawnAt, r.WithdrawnBy, r.WithdrawReason = &now, &actor, &reason
		if err := tx.Model(&postingRow{}).Where("id = ?", r.ID).Updates(map[string]any{
			"withdrawn_at": now, "withdrawn_by": actor, "withdraw_reason": reason}).Error; err != nil {
			return TranslateError(err, "roster posting")
		}
		out = r.posting()
		return nil
	})
	if err != nil {
		return recert.RosterPosting{}, nil, err
	}
	return out, revoked, nil
}

// attendanceCSVRow is one line of an event's attendance export.
type attendanceCSVRow struct {
	ID, MemberID, Name string
	Email, AbcpID      *string
}

// EventAttendees returns, for each attendance id at the event, the member's name, ABCP ID
// and email, for exports.
func (s *Store) EventAttendees(ctx context.Context, eventID string) (map[string]ledger.MemberRef, error) {
	var rows []attendanceCSVRow
	err := s.conn(ctx).Raw(`SELECT a.id, a.member_id, m.name, m.email, m.abcp_id FROM attendance a
JOIN members m ON m.id = a.member_id WHERE a.event_id = ?`, eventID).Scan(&rows).Error
	if err != nil {
		return nil, TranslateError(err, "attendance")
	}
	out := make(map[string]ledger.MemberRef, len(rows))
	for _, r := range rows {
		out[r.ID] = ledger.MemberRef{ID: r.MemberID, Name: strings.TrimSpace(r.Name), Email: deref(r.Email), ABCPID: deref(r.AbcpID)}
	}
	return out, nil
}
