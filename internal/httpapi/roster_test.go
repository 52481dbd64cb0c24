package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// postCSV posts a CSV roster as organizer A and returns the response and its body.
func postCSV(t *testing.T, w *world, eventID, query, body string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, w.env.URL+"/v1/events/"+eventID+"/attendance"+query, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+w.tokens["organizer A"])
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := w.env.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func rows(rs ...api.RosterRowInput) api.RosterInput { return api.RosterInput{Rows: rs} }

func TestRosters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		e := w.publishedEvent(t)
		post := func(in api.RosterInput, params *api.PostRosterParams) *api.PostRosterResponse {
			t.Helper()
			res, err := w.env.Client.PostRosterWithResponse(ctx, e.ID, params, in, w.as("organizer A"))
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		attendanceCount := func() int {
			t.Helper()
			res, _ := w.env.Client.ListEventAttendanceWithResponse(ctx, e.ID, nil, w.as("organizer A"))
			if res.JSON200 == nil {
				t.Fatalf("list attendance: %s", res.Body)
			}
			return len(res.JSON200.Items)
		}
		roster := rows(
			api.RosterRowInput{ABCPID: ptr(w.member.ABCPID), Sessions: []string{"S1", "S2"}},
			api.RosterRowInput{ABCPID: ptr("777777"), Name: ptr("New Attendee"), Email: ptr("new.attendee@example.org"), Sessions: []string{"S1; S2"}},
		)

		t.Run("dry run writes nothing", func(t *testing.T) {
			res := post(roster, &api.PostRosterParams{DryRun: ptr(true)})
			if res.JSON200 == nil || !res.JSON200.DryRun || res.JSON200.Totals.Created != 2 || attendanceCount() != 0 {
				t.Fatalf("dry run: %s", res.Body)
			}
		})
		t.Run("first post creates, and an unknown attendee becomes an unclaimed member", func(t *testing.T) {
			res := post(roster, nil)
			if res.JSON200 == nil || res.JSON200.Totals.Created != 2 || res.JSON200.Totals.MembersCreated != 1 {
				t.Fatalf("post: %d %s", res.StatusCode(), res.Body)
			}
			created := res.JSON200.Rows[1]
			if created.Member == nil || !created.Member.Created || created.Member.ID == nil || value(created.Row) != 2 {
				t.Fatalf("row 2: %+v", created)
			}
			m, _ := w.env.Client.GetMemberWithResponse(ctx, *created.Member.ID, nil, w.as("organizer A"))
			if m.JSON200 == nil || m.JSON200.Claimed || m.JSON200.Name != "New Attendee" {
				t.Errorf("the created member: %s", m.Body)
			}
		})
		t.Run("the same roster again changes nothing", func(t *testing.T) {
			res := post(roster, nil)
			if res.JSON200 == nil || res.JSON200.Totals.Unchanged != 2 || attendanceCount() != 2 {
				t.Fatalf("repeat: %s", res.Body)
			}
			credits, _ := w.env.Client.ListCreditsWithResponse(ctx, w.member.ID, nil, w.as("member"))
			if credits.JSON200 == nil || credits.JSON200.TotalCeus != "9.00" { // 4.50 at the world's event, 4.50 here
				t.Errorf("credits after a repeated roster: %s", credits.Body)
			}
		})
		t.Run("a changed row updates", func(t *testing.T) {
			res := post(rows(api.RosterRowInput{ABCPID: ptr(w.member.ABCPID), Sessions: []string{e.Sessions[0].ID}}), nil)
			if res.JSON200 == nil || res.JSON200.Totals.Updated != 1 {
				t.Fatalf("update: %s", res.Body)
			}
			c := res.JSON200.Rows[0].Changes
			if c == nil || c.Sessions == nil || strings.Join(c.Sessions.Before, ";") != "S1;S2" || strings.Join(c.Sessions.After, ";") != "S1" ||
				c.Ceus == nil || c.Ceus.Before != "4.50" || c.Ceus.After != "3.00" {
				t.Errorf("changes: %s", res.Body)
			}
			if len(res.JSON200.NotListed) != 1 || value(res.JSON200.NotListed[0].Member.ID) == w.member.ID {
				t.Errorf("the attendee the roster leaves out: %s", res.Body)
			}
		})
		t.Run("atomic mode refuses the whole roster, listing every bad row", func(t *testing.T) {
			before := attendanceCount()
			res := post(rows(
				api.RosterRowInput{ABCPID: ptr("888888"), Name: ptr("Fine Row"), Sessions: []string{"S2"}},
				api.RosterRowInput{ABCPID: ptr("12345")},
				api.RosterRowInput{ABCPID: ptr("999999"), Name: ptr("Too Many"), Ceus: ptr("9.00")},
			), nil)
			if res.StatusCode() != 422 || res.ApplicationProblemJSON422 == nil {
				t.Fatalf("atomic: %d %s", res.StatusCode(), res.Body)
			}
			var pointers []string
			for _, f := range res.ApplicationProblemJSON422.Errors {
				pointers = append(pointers, f.Pointer)
			}
			if strings.Join(pointers, " ") != "#/rows/1/abcp_id #/rows/2/ceus" || attendanceCount() != before ||
				!strings.HasPrefix(res.ApplicationProblemJSON422.Errors[0].Detail, "row 2: ") {
				t.Errorf("pointers %v, attendance %d (was %d)", pointers, attendanceCount(), before)
			}
		})
		t.Run("partial mode writes the valid rows", func(t *testing.T) {
			res := post(rows(
				api.RosterRowInput{ABCPID: ptr("888888"), Name: ptr("Fine Row"), Sessions: []string{"S2"}},
				api.RosterRowInput{ABCPID: ptr("999999"), Name: ptr("Too Many"), Ceus: ptr("9.00")},
			), &api.PostRosterParams{Mode: ptr(api.PostRosterParamsModePartial)})
			if res.JSON200 == nil || res.JSON200.Totals.Created != 1 || res.JSON200.Totals.Rejected != 1 ||
				!strings.Contains(value(res.JSON200.Rows[1].Reason), "offers 4.50") {
				t.Fatalf("partial: %s", res.Body)
			}
		})
		t.Run("an Idempotency-Key replays, and refuses another body", func(t *testing.T) {
			key := &api.PostRosterParams{IdempotencyKey: ptr("roster-2026-04-17-a")}
			in := rows(api.RosterRowInput{ABCPID: ptr("555555"), Name: ptr("Replay Me"), Sessions: []string{"S1"}})
			first := post(in, key)
			second := post(in, key)
			if first.JSON200 == nil || second.StatusCode() != 200 || string(first.Body) != string(second.Body) ||
				second.HTTPResponse.Header.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("replay: %s / %s", first.Body, second.Body)
			}
			other := post(rows(api.RosterRowInput{ABCPID: ptr("444444"), Name: ptr("Other"), Sessions: []string{"S1"}}), key)
			if other.StatusCode() != 422 {
				t.Errorf("key reused for another body: %d %s", other.StatusCode(), other.Body)
			}
		})
		t.Run("CSV with a byte-order mark, CRLF and quoted fields", func(t *testing.T) {
			body := "\ufeffABCP ID,Name,Email,Sessions\r\n" +
				fmt.Sprintf("333333,\"Lee, Jordan \"\"JJ\"\"\",jj@example.org,\"%s, %s\"\r\n", e.Sessions[0].Title, e.Sessions[1].Code) +
				fmt.Sprintf("222222,Kim Park,kim@example.org,%s\r\n", e.Sessions[1].Code)
			res, b := postCSV(t, w, e.ID, "", body)
			if res.StatusCode != 200 || !strings.Contains(string(b), `"created":2`) {
				t.Fatalf("csv: %d %s", res.StatusCode, b)
			}
		})
		t.Run("malformed CSV names the line", func(t *testing.T) {
			res, b := postCSV(t, w, e.ID, "", "abcp_id,name\n111111,ok\n111112,bad \"quote\n")
			if res.StatusCode != 400 || !strings.Contains(string(b), "line 3") {
				t.Fatalf("malformed: %d %s", res.StatusCode, b)
			}
		})
		t.Run("more than 10,000 rows is 413", func(t *testing.T) {
			var sb strings.Builder
			sb.WriteString("abcp_id\n")
			for i := range 10_001 {
				fmt.Fprintf(&sb, "%06d\n", i)
			}
			res, b := postCSV(t, w, e.ID, "", sb.String())
			if res.StatusCode != 413 {
				t.Fatalf("10,001 rows: %d %.200s", res.StatusCode, b)
			}
		})
		t.Run("a cancelled event takes no attendance", func(t *testing.T) {
			cancelled, _ := w.env.Client.CancelEventWithResponse(ctx, w.publishedEvent(t).ID, w.as("organizer A"))
			res, _ := w.env.Client.PostRosterWithResponse(ctx, cancelled.JSON200.ID, nil, roster, w.as("organizer A"))
			if res.StatusCode() != 409 {
				t.Errorf("cancelled: %d %s", res.StatusCode(), res.Body)
			}
		})
	})
}

func TestCorrectionRevocationAndHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		id := w.attendance.ID
		fixed, _ := w.env.Client.CorrectAttendanceWithResponse(ctx, id, api.AttendanceCorrection{
			Sessions: []string{w.event.Sessions[0].ID}, Reason: "left at the break"}, w.as("organizer A"))
		if fixed.JSON200 == nil || fixed.JSON200.Ceus != "3.00" {
			t.Fatalf("correct: %s", fixed.Body)
		}
		noReason, _ := w.env.Client.CorrectAttendanceWithBodyWithResponse(ctx, id, "application/json",
			strings.NewReader(`{"ceus":"1.00"}`), w.as("organizer A"))
		if noReason.StatusCode() != 400 {
			t.Errorf("a correction without a reason: %d", noReason.StatusCode())
		}
		revoked, _ := w.env.Client.RevokeAttendanceWithResponse(ctx, id, &api.RevokeAttendanceParams{Reason: "not there"}, w.as("organizer A"))
		if revoked.JSON200 == nil || !revoked.JSON200.Revoked {
			t.Fatalf("revoke: %s", revoked.Body)
		}
		history, _ := w.env.Client.GetAttendanceHistoryWithResponse(ctx, id, nil, w.as("member"))
		if history.JSON200 == nil || len(history.JSON200.Items) != 3 {
			t.Fatalf("history: %s", history.Body)
		}
		var actions []string
		for _, c := range history.JSON200.Items {
			actions = append(actions, string(c.Action)+":"+value(c.Reason))
		}
		if got := strings.Join(actions, ", "); !strings.HasPrefix(got, "created:") || !strings.Contains(got, "updated:left at the break, revoked:not there") {
			t.Errorf("history = %s", got)
		}
		credits, _ := w.env.Client.ListCreditsWithResponse(ctx, w.member.ID, nil, w.as("member"))
		if credits.JSON200 == nil || len(credits.JSON200.Items) != 0 {
			t.Errorf("revoked attendance still counts: %s", credits.Body)
		}
		cert, _ := w.env.Client.GetCertificateWithResponse(ctx, id, nil, w.as("member"))
		if cert.StatusCode() != 409 {
			t.Errorf("certificate of revoked attendance: %d", cert.StatusCode())
		}
	})
}

func TestCreditsAndCertificate(t *testing.T) {
	env := apitest.Start(t, dbtest.New(t, store.SQLite))
	w := newWorld(t, env)
	ctx := t.Context()
	credits, _ := env.Client.ListCreditsWithResponse(ctx, w.member.ID, nil, w.as("member"))
	if credits.JSON200 == nil || len(credits.JSON200.Items) != 2 || credits.JSON200.TotalCeus != "4.50" {
		t.Fatalf("credits: %s", credits.Body)
	}
	first := credits.JSON200.Items[0]
	if first.Date.String() != "2026-04-17" || first.Ceus != "3.00" || first.Category != "I" || !first.Verified ||
		value(first.ApprovalRef) != "ABCP-2026-0417" || first.OrganizationName != "Wisconsin Perfusion Society" {
		t.Errorf("first credit: %+v", first)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, env.URL+"/v1/members/"+w.member.ID+"/credits?category=I", nil)
	req.Header.Set("Accept", "text/csv")
	req.Header.Set("Authorization", "Bearer "+w.tokens["member"])
	res, err := env.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if res.Header.Get("Content-Type") != "text/csv" || len(lines) != 3 || !strings.HasPrefix(lines[1], "2026-04-17,I,3.00,Spring Meeting,ECMO update") {
		t.Errorf("CSV credits: %s %q", res.Header.Get("Content-Type"), b)
	}
	cert, _ := env.Client.GetCertificateWithResponse(ctx, w.attendance.ID, nil, w.as("member"))
	c := cert.JSON200
	if c == nil || c.AttendeeName != "Pat Perfusionist" || value(c.ABCPID) != "123456" || c.Sponsor != "Wisconsin Perfusion Society" ||
		c.Ceus != "4.50" || len(c.Sessions) != 2 || value(c.ApprovalRef) != "ABCP-2026-0417" {
		t.Errorf("certificate: %s", cert.Body)
	}
}
