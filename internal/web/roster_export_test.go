package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// registrationExport is the API's registration-system fixture: a BOM, quoted header cells,
// CRLF and a "Sessions Attended" column of titles, some abbreviated, one cell empty.
const registrationExport = "../httpapi/testdata/registration-export.csv"

// registrationEvent is a published event with the sessions registrationExport names.
func (w *world) registrationEvent(t *testing.T, st *store.Store) recert.Event {
	t.Helper()
	d := recert.Date{Year: 2026, Month: 9, Day: 18}
	e, err := st.CreateEvent(context.Background(), recert.Event{OrganizationID: w.org.ID, Title: "Annual Meeting", Format: "in_person",
		TimeZone: "America/Chicago", StartDate: d, EndDate: d, Category: "I", Sessions: []recert.Session{
			{Title: "ECMO Circuit Management Update", Date: d, CEUs: 200},
			{Title: "Blood Management, Conservation and Transfusion", Date: d, CEUs: 150},
			{Title: "Ethics in Perfusion Practice", Date: d, CEUs: 100},
			{Title: "Pediatric Cardiopulmonary Bypass", Date: d, CEUs: 100},
		}}, "test")
	if err == nil {
		e, err = st.SetEventStatus(context.Background(), e.ID, recert.EventPublished, "test")
	}
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// uploadWith posts a roster file to the event's preview with more form fields (name, value).
func (b *browser) uploadWith(eventID string, file []byte, fields ...string) (*http.Response, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf_token", b.csrf())
	for i := 0; i+1 < len(fields); i += 2 {
		_ = mw.WriteField(fields[i], fields[i+1])
	}
	fw, _ := mw.CreateFormFile("file", "roster.csv")
	_, _ = fw.Write(file)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.base+"/app/events/"+eventID+"/roster", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// previewLine is one row of the page's preview table, as an organizer reads it.
type previewLine struct {
	Line, Status, Name, Sessions, CEUs, Errors string
}

var previewRow = regexp.MustCompile(`(?s)<tr class="row-(\w+)"><td>([^<]*)</td><td>([^<]*)</td><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td><td>[^<]*</td>\s*<td>.*?</td><td>(.*?)</td></tr>`)

// previewLines reads the preview table of a page.
func previewLines(body string) []previewLine {
	var out []previewLine
	for _, m := range previewRow.FindAllStringSubmatch(body, -1) {
		errs := strings.NewReplacer("<div>", "", "</div>", " ").Replace(m[6])
		out = append(out, previewLine{Status: m[1], Line: m[2], Name: html.UnescapeString(m[3]), Sessions: html.UnescapeString(m[4]),
			CEUs: m[5], Errors: strings.TrimSpace(html.UnescapeString(errs))})
	}
	return out
}

// TestRegistrationExportPage uploads a registration export on the organizer's page: the
// preview lists per row the sessions and CEUs it credits, names the rows it skips with why
// (abbreviated titles with the session meant), and confirming posts only what rows named.
func TestRegistrationExportPage(t *testing.T) {
	file, err := os.ReadFile(registrationExport)
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		e := w.registrationEvent(t, st)
		b := w.browser(t)
		b.signIn(w.organizer)
		res, body := b.uploadWith(e.ID, file)
		if res.StatusCode != 200 {
			t.Fatalf("preview: %d\n%s", res.StatusCode, body)
		}
		want := []previewLine{
			{Line: "line 2", Status: "created", Name: "Renée Roy", Sessions: "S1, S2, S3, S4", CEUs: "5.50"},
			{Line: "line 3", Status: "created", Name: "Ada Byron", Sessions: "S1", CEUs: "2.00"},
			{Line: "line 4", Status: "created", Name: "Bo Chen", Sessions: "S2", CEUs: "1.50"},
			{Line: "line 5", Status: "rejected", Name: "Cy Diaz",
				Errors: `"ECMO Update" is not a session of this event; did you mean S1 "ECMO Circuit Management Update"?`},
			{Line: "line 6", Status: "rejected", Name: "Di Evans",
				Errors: `"Ethics" is not a session of this event; did you mean S3 "Ethics in Perfusion Practice"?`},
			{Line: "line 7", Status: "rejected", Name: "Ed Fox",
				Errors: `names no session: list the sessions attended in column "Sessions Attended" (codes or titles, such as S1, S2, S3, S4); or credit every session to rows that name none (all_sessions=true)`},
			{Line: "line 8", Status: "created", Name: "Flo Gray", Sessions: "S1, S3", CEUs: "3.00"},
			{Line: "line 9", Status: "rejected", Name: "Gus Hale",
				Errors: `"Pediatric Bypass" is not a session of this event; did you mean S4 "Pediatric Cardiopulmonary Bypass"?`},
			{Line: "line 10", Status: "rejected", Name: "Hana Ito",
				Errors: `"Blood Management" is not a session of this event; did you mean S2 "Blood Management, Conservation and Transfusion"?`},
		}
		if diff := cmpLines(want, previewLines(body)); diff != "" {
			t.Fatalf("preview:\n%s", diff)
		}
		if !strings.Contains(body, "9 rows: 4 to post, 5 skipped") {
			t.Errorf("the preview's summary is not 4 to post, 5 skipped")
		}
		form := url.Values{}
		for _, m := range hiddenField.FindAllStringSubmatch(body, -1) {
			form.Set(m[1], html.UnescapeString(m[2]))
		}
		if res, _ = b.post("/app/events/"+e.ID+"/roster/confirm", form); res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusOK {
			t.Fatalf("confirm: %d", res.StatusCode)
		}
		held, _, err := st.EventAttendance(context.Background(), e.ID, recert.Page{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range held {
			got = append(got, a.Total().String())
		}
		slices.Sort(got)
		if !slices.Equal(got, []string{"1.50", "2.00", "3.00", "5.50"}) {
			t.Errorf("posted attendance of %v CEUs; want the 4 rows that named sessions: 1.50, 2.00, 3.00, 5.50", got)
		}
	})
}

// TestAllSessionsIsAChoiceOnThePage: the upload form offers crediting every session to rows
// that name none, off by default; chosen, the preview and its confirmation both apply it.
func TestAllSessionsIsAChoiceOnThePage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.organizer)
		_, page := b.get("/app/events/" + w.event.ID)
		if !regexp.MustCompile(`<input id="all_sessions" name="all_sessions" type="checkbox" value="true">`).MatchString(page) {
			t.Fatalf("no unchecked all_sessions choice on the upload form:\n%s", page)
		}
		file := []byte("abcp_id,name\r\n104455,Renée Roy\r\n")
		res, body := b.uploadWith(w.event.ID, file)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), "the roster names no sessions, so it would credit nothing") {
			t.Fatalf("a roster naming no sessions, by default: %d\n%s", res.StatusCode, body)
		}
		res, body = b.uploadWith(w.event.ID, file, "all_sessions", "true")
		lines := previewLines(body)
		if res.StatusCode != 200 || len(lines) != 1 || lines[0].Sessions != "S1, Tue-AM, S3" || lines[0].CEUs != "3.00" {
			t.Fatalf("with all_sessions: %d %+v\n%s", res.StatusCode, lines, body)
		}
		form := url.Values{}
		for _, m := range regexp.MustCompile(`name="(roster|key|all_sessions)" value="([^"]*)"`).FindAllStringSubmatch(body, -1) {
			form.Set(m[1], html.UnescapeString(m[2]))
		}
		if form.Get("all_sessions") != "true" {
			t.Fatalf("the confirmation does not carry the choice:\n%s", body)
		}
		if res, _ = b.post("/app/events/"+w.event.ID+"/roster/confirm", form); res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusOK {
			t.Fatalf("confirm: %d", res.StatusCode)
		}
		if n := attendanceCount(t, st, w.event.ID); n != 1 {
			t.Errorf("%d attendance posted, want 1", n)
		}
	})
}

// TestRosterReadsAlikeThroughAPIAndPage posts the same files, byte for byte, as an API
// request body and as a page upload: every row comes out the same (BOM, quoted headers,
// CRLF, Windows-1252 included), as both use one reader.
func TestRosterReadsAlikeThroughAPIAndPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.organizer)
		token := w.env.Login(t, w.organizer)
		reg := w.registrationEvent(t, st)
		for _, c := range []struct{ file, eventID string }{
			{messyRoster, w.event.ID},
			{"../httpapi/testdata/sessions-column-cp1252.csv", w.event.ID},
			{registrationExport, reg.ID},
		} {
			t.Run(c.file, func(t *testing.T) {
				file, err := os.ReadFile(c.file)
				if err != nil {
					t.Fatal(err)
				}
				_, body := b.uploadWith(c.eventID, file)
				page := previewLines(body)
				viaAPI := apiLines(t, w, token, c.eventID, file)
				if len(page) == 0 {
					t.Fatalf("no preview:\n%s", body)
				}
				if diff := cmpLines(viaAPI, page); diff != "" {
					t.Errorf("the page reads the file otherwise than the API (-api +page):\n%s", diff)
				}
			})
		}
	})
}

// apiLines posts file as a dry run in partial mode, as the page previews it, and reads its
// rows as the page shows them.
func apiLines(t *testing.T, w *world, token, eventID string, file []byte) []previewLine {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.env.URL+"/v1/events/"+eventID+"/attendance?dry_run=true&mode=partial", bytes.NewReader(file))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := w.env.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out api.RosterResult
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 200 {
		t.Fatalf("API dry run: %d %v", res.StatusCode, err)
	}
	var lines []previewLine
	for _, r := range out.Rows {
		l := previewLine{Line: "line " + strconv.Itoa(deref(r.Line)), Status: string(r.Status), CEUs: deref(r.Ceus)}
		if r.Ceus != nil {
			l.Sessions = strings.Join(r.Sessions, ", ")
			if len(r.Sessions) == 0 {
				l.Sessions = "none (CEUs awarded)"
			}
		}
		var errs []string
		for _, e := range r.Errors {
			errs = append(errs, strings.TrimPrefix(e.Detail, l.Line+": "))
		}
		l.Errors = strings.Join(errs, " ")
		lines = append(lines, l)
	}
	return lines
}

// cmpLines compares preview lines, names aside when want has none (the API gives the name
// as written; the page falls back to the email).
func cmpLines(want, got []previewLine) string {
	var b strings.Builder
	for i := range max(len(want), len(got)) {
		var w, g previewLine
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w.Name == "" {
			g.Name = ""
		}
		if w != g {
			b.WriteString("- " + strings.ReplaceAll(jsonOf(w), "\n", " ") + "\n+ " + jsonOf(g) + "\n")
		}
	}
	return b.String()
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
