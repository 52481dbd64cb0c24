package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// rosterFloorSize is the roster the copy floor is measured with: new members, four sessions each.
const rosterFloorSize = 10_000

// schemaBefore is the last migration before attendance kept its sessions in an array: the
// tables the copy floor is measured on ("today's tables" when the target was set).
const schemaBefore = 11

// BenchmarkRoster10000 compares, on PostgreSQL, a 10,000-row roster of new attendees (four
// sessions each) posted through the API with the floor of its writes: a pgx COPY of the same
// rows (the posting, members, attendance, history) into today's tables, with their triggers
// and keys, in one transaction. It also copies them into the tables as they were at
// migration 11 (a row per attended session, row-level keys), the floor the first target was
// set against. Each round does all three, so noise from a busy machine falls on each; it
// reports their times, the ratios and the bytes the API post allocates per 5,000 rows. Take
// the medians of several rounds (bench/README.md, "Rosters"):
//
//	go test -run '^$' -bench Roster10000 -benchtime 1x -count 7 ./internal/httpapi/
func BenchmarkRoster10000(b *testing.B) {
	post := rosterPoster(b)
	today := rosterFloor(b, dbtest.PostgresURL(b), copyRowsToday)
	before := rosterFloor(b, dbtest.PostgresURLAt(b, schemaBefore), copyRows)
	var apiTime, todayTime, beforeTime time.Duration
	var allocated uint64
	var ms runtime.MemStats
	out := bytes.NewBuffer(make([]byte, 0, 16<<20))
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		req, w, w11 := post(i), today(i), before(i)
		runtime.ReadMemStats(&ms)
		was := ms.TotalAlloc
		b.StartTimer()
		t0 := time.Now()
		sendRoster(b, req, out)
		apiTime += time.Since(t0)
		b.StopTimer()
		runtime.ReadMemStats(&ms)
		allocated += ms.TotalAlloc - was
		b.StartTimer()
		todayTime += timeCopy(b, w)
		beforeTime += timeCopy(b, w11)
	}
	n := float64(b.N)
	b.ReportMetric(apiTime.Seconds()/n, "api-s/op")
	b.ReportMetric(todayTime.Seconds()/n, "copy-s/op")
	b.ReportMetric(apiTime.Seconds()/todayTime.Seconds(), "api/copy")
	b.ReportMetric(beforeTime.Seconds()/n, "copy11-s/op")
	b.ReportMetric(apiTime.Seconds()/beforeTime.Seconds(), "api/copy11")
	b.ReportMetric(float64(allocated)/n/(rosterFloorSize/5000)/1e6, "api-MB/5000rows")
}

func timeCopy(b *testing.B, w rosterCopy) time.Duration {
	t := time.Now()
	if err := w.copy(context.Background()); err != nil {
		b.Fatal(err)
	}
	return time.Since(t)
}

func rosterPoster(b *testing.B) func(round int) *http.Request {
	env := apitest.Start(b, dbtest.New(b, store.Postgres))
	ctx := context.Background()
	org, err := env.Store.CreateOrganization(ctx, recert.Organization{Name: "Bench", Code: "BENCH"}, "bench")
	if err != nil {
		b.Fatal(err)
	}
	env.CreateUser(b, recert.User{Email: "bench@example.org", Role: recert.RoleOrganizer, OrganizationIDs: []string{org.ID}})
	token := env.Login(b, "bench@example.org")
	return func(round int) *http.Request {
		e := benchEvent(b, env, org.ID)
		in := api.RosterInput{Rows: make([]api.RosterRowInput, rosterFloorSize)}
		for r := range in.Rows {
			name, email, abcp := attendee(round, r)
			in.Rows[r] = api.RosterRowInput{ABCPID: &abcp, Name: &name, Email: &email, Sessions: []string{"S1", "S2", "S3", "S4"}}
		}
		body, _ := json.Marshal(in)
		req, _ := http.NewRequest(http.MethodPost, env.URL+"/v1/events/"+e.ID+"/attendance", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		return req
	}
}

func attendee(round, row int) (name, email, abcpID string) {
	n := round*rosterFloorSize + row
	return fmt.Sprintf("Attendee %d", n), fmt.Sprintf("attendee%d@example.org", n), fmt.Sprintf("%06d", n)
}

// sendRoster posts the roster with a plain client (the contract checks of the test client
// would be timed too) and checks that every row created an attendance; the response is read
// into out, made beforehand, so that the allocations counted are the server's.
func sendRoster(b *testing.B, req *http.Request, out *bytes.Buffer) {
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	out.Reset()
	_, _ = out.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !bytes.Contains(out.Bytes(), []byte(fmt.Sprintf(`"created":%d`, rosterFloorSize))) {
		b.Fatalf("post: %d %.300s", res.StatusCode, out.Bytes())
	}
}

// rosterFloor opens the database at url and returns a maker of the rows a roster of new
// attendees writes there, made by rows.
func rosterFloor(b *testing.B, url string, rows func(*testing.B, context.Context, *pgx.Conn, int, time.Time) rosterCopy) func(round int) rosterCopy {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = conn.Close(ctx) })
	now := time.Now().UTC().Truncate(time.Microsecond)
	if _, err := conn.Exec(ctx, `INSERT INTO organizations (id, name, code, created_at, created_by, updated_at, updated_by)
VALUES ('org_bench', 'Bench', 'BENCH', $1, 'bench', $1, 'bench')`, now); err != nil {
		b.Fatal(err)
	}
	return func(round int) rosterCopy { return rows(b, ctx, conn, round, now) }
}

// rosterCopy is what a roster of new attendees writes, as rows of tables, parents first.
type rosterCopy struct {
	conn    *pgx.Conn
	posting []any
	tables  []copyTable
}

type copyTable struct {
	name string
	cols []string
	rows [][]any
}

// benchEventRows makes a published event of four sessions and returns its id and the
// sessions' ids.
func benchEventRows(b *testing.B, ctx context.Context, conn *pgx.Conn, now time.Time) (string, []string) {
	eventID := recert.NewID(recert.PrefixEvent)
	if _, err := conn.Exec(ctx, `INSERT INTO events (id, organization_id, title, format, time_zone, start_date, end_date, status,
category, created_at, created_by, updated_at, updated_by)
VALUES ($1, 'org_bench', 'Annual Meeting', 'in_person', 'America/Chicago', '2026-09-12', '2026-09-12', 'published', 'I', $2, 'bench', $2, 'bench')`,
		eventID, now); err != nil {
		b.Fatal(err)
	}
	sessionIDs := make([]string, 4)
	for i := range sessionIDs {
		sessionIDs[i] = recert.NewID(recert.PrefixSession)
		if _, err := conn.Exec(ctx, `INSERT INTO sessions (id, event_id, position, title, date, ceus, code)
VALUES ($1, $2, $3, $4, '2026-09-12', 100, $5)`, sessionIDs[i], eventID, i, fmt.Sprintf("Session %d", i+1), fmt.Sprintf("S%d", i+1)); err != nil {
			b.Fatal(err)
		}
	}
	return eventID, sessionIDs
}

// copyRowsToday makes a published event of four sessions and the rows a roster of new
// attendees to it writes in today's tables, as the service writes them: the sessions as a
// JSON array in the attendance, the history's state as the store encodes it.
func copyRowsToday(b *testing.B, ctx context.Context, conn *pgx.Conn, round int, now time.Time) rosterCopy {
	eventID, sessionIDs := benchEventRows(b, ctx, conn, now)
	postingID := recert.NewID(recert.PrefixPosting)
	var members, attendance, history [][]any
	var sessions strings.Builder
	sessions.WriteByte('[')
	for i, s := range sessionIDs {
		if i > 0 {
			sessions.WriteByte(',')
		}
		fmt.Fprintf(&sessions, `{"session_id":%q,"ceus":100}`, s)
	}
	sessions.WriteByte(']')
	ss := sessions.String()
	// The four sessions are alike: one credit class.
	classes := fmt.Sprintf(`[{"d":"2026-09-12","c":null,"u":100,"t":"","a":"","n":4,"s":%q}]`, slices.Min(sessionIDs))
	stamp := now.Format(time.RFC3339Nano)
	for r := range rosterFloorSize {
		memberID, attID := recert.NewID(recert.PrefixMember), recert.NewID(recert.PrefixAttendance)
		name, email, abcp := attendee(round, r)
		members = append(members, []any{memberID, name, email, abcp, "active", 1, now, "usr_bench", now, "usr_bench",
			recert.Fold(name + " " + email + " " + abcp)})
		attendance = append(attendance, []any{attID, eventID, memberID, ss, classes, 0, nil, nil, 1, now, "usr_bench", now, "usr_bench"})
		state := fmt.Sprintf(`{"id":%q,"event_id":%q,"member_id":%q,"sessions":%s,"ceus_awarded":0,"revoked":false,"version":1,"created_at":%q,"created_by":"usr_bench","updated_at":%q,"updated_by":"usr_bench"}`,
			attID, eventID, memberID, ss, stamp, stamp)
		history = append(history, []any{recert.NewID(recert.PrefixChange), attID, now, "usr_bench", "created",
			"posted by roster", nil, state, postingID, "roster"})
	}
	return rosterCopy{conn: conn, posting: []any{postingID, eventID, rosterFloorSize, rosterFloorSize, 0, now, "usr_bench"},
		tables: []copyTable{
			{"members", []string{"id", "name", "email", "abcp_id", "status", "version", "created_at", "created_by", "updated_at", "updated_by", "search_text"}, members},
			{"attendance", []string{"id", "event_id", "member_id", "sessions", "credit_classes", "ceus_awarded", "revoked_at", "revoke_reason", "version",
				"created_at", "created_by", "updated_at", "updated_by"}, attendance},
			{"history", []string{"id", "attendance_id", "at", "actor", "action", "reason", "before_state", "after_state", "posting_id", "source"}, history},
		}}
}

// copyRows makes a published event of four sessions and the rows of a roster of new
// attendees to it, in the tables at migration 11.
func copyRows(b *testing.B, ctx context.Context, conn *pgx.Conn, round int, now time.Time) rosterCopy {
	eventID, sessionIDs := benchEventRows(b, ctx, conn, now)
	postingID := recert.NewID(recert.PrefixPosting)
	var members, attendance, sessions, history [][]any
	for r := range rosterFloorSize {
		memberID, attID := recert.NewID(recert.PrefixMember), recert.NewID(recert.PrefixAttendance)
		name, email, abcp := attendee(round, r)
		members = append(members, []any{memberID, name, email, abcp, "active", 1, now, "usr_bench", now, "usr_bench",
			recert.Fold(name + " " + email + " " + abcp)})
		attendance = append(attendance, []any{attID, eventID, memberID, 0, 1, now, "usr_bench", now, "usr_bench"})
		state := map[string]any{"id": attID, "event_id": eventID, "member_id": memberID, "ceus_awarded": 0, "revoked": false,
			"version": 1, "created_at": now, "created_by": "usr_bench", "updated_at": now, "updated_by": "usr_bench"}
		var ss []map[string]any
		for _, s := range sessionIDs {
			sessions = append(sessions, []any{attID, s, memberID, 100})
			ss = append(ss, map[string]any{"session_id": s, "ceus": 100})
		}
		state["sessions"] = ss
		js, _ := json.Marshal(state)
		history = append(history, []any{recert.NewID(recert.PrefixChange), attID, now, "usr_bench", "created",
			"posted by roster", string(js), postingID, "roster"})
	}
	return rosterCopy{conn: conn, posting: []any{postingID, eventID, rosterFloorSize, rosterFloorSize, 0, now, "usr_bench"},
		tables: []copyTable{
			{"members", []string{"id", "name", "email", "abcp_id", "status", "version", "created_at", "created_by", "updated_at", "updated_by", "search_text"}, members},
			{"attendance", []string{"id", "event_id", "member_id", "ceus_awarded", "version", "created_at", "created_by", "updated_at", "updated_by"}, attendance},
			{"attendance_sessions", []string{"attendance_id", "session_id", "member_id", "ceus"}, sessions},
			{"history", []string{"id", "attendance_id", "at", "actor", "action", "reason", "after_state", "posting_id", "source"}, history},
		}}
}

// copy writes the rows in one transaction, parents first, with COPY.
func (w rosterCopy) copy(ctx context.Context) error {
	tx, err := w.conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `INSERT INTO roster_postings (id, event_id, row_count, created_count, updated_count, created_at, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, w.posting...); err != nil {
		return err
	}
	for _, t := range w.tables {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
			return fmt.Errorf("copy %s: %w", t.name, err)
		}
	}
	return tx.Commit(ctx)
}
