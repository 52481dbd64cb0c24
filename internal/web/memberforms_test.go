package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// saysEachOnce checks that a form's answer is a 400 naming n problems, and that each wanted
// text is on the page exactly once (a problem in the list, a problem beside its field).
func saysEachOnce(t *testing.T, res *http.Response, body string, n int, wants ...string) string {
	t.Helper()
	text := html.UnescapeString(body)
	heading := strconv.Itoa(n) + " things to correct"
	if n == 1 {
		heading = "One thing to correct"
	}
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(text, heading) {
		t.Fatalf("%d problems: %d\n%s", n, res.StatusCode, text)
	}
	for _, want := range wants {
		if c := strings.Count(text, want); c != 1 {
			t.Errorf("%q shown %d times, want once", want, c)
		}
	}
	return text
}

// The dispute form says every problem of a submit at once, each beside its field (the
// choices of a group each marked), and keeps what was typed and ticked.
func TestDisputeFormShowsEveryProblemAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		org := w.browser(t)
		org.signIn(w.organizer)
		org.confirmRoster(w.event.ID, []byte("abcp_id,S1\n104455,x\n"))
		b := w.browser(t)
		b.signIn(w.member)
		s1 := w.event.Sessions[0].ID
		res, body := b.post("/app/dispute", url.Values{"event": {w.event.ID}, "message": {"  "}, "session": {s1, "ses_other"}})
		text := saysEachOnce(t, res, body, 3,
			`<a href="#kind">What is wrong</a>: say whether the attendance is missing or wrong`,
			`<a href="#message">Your message</a>: say what happened`,
			`<a href="#sessions">Sessions</a>: "ses_other" is not a session of this event`,
			`id="kind-problem"`, `id="message-problem"`, `id="sessions-problem"`)
		// Two choices of the kind, three sessions and the message.
		if n := strings.Count(body, `aria-invalid="true"`); n != 6 {
			t.Errorf("%d inputs marked invalid, want 6", n)
		}
		for _, want := range []string{`id="kind-wrong" type="radio" name="kind" value="wrong" aria-invalid="true" aria-describedby="kind-problem"`,
			`aria-describedby="message-problem"`, `value="` + s1 + `" aria-invalid="true" aria-describedby="sessions-problem" checked`} {
			if !strings.Contains(body, want) {
				t.Errorf("the form lacks %s", want)
			}
		}
		if strings.Contains(text[strings.Index(text, "<main"):], "sessions/1") {
			t.Error("the page names a session by its pointer")
		}
		if ds, _ := st.EventDisputes(context.Background(), w.event.ID); len(ds) != 0 {
			t.Fatalf("a bad dispute was filed: %d", len(ds))
		}
		// One field left: one problem, the others' values kept.
		res, body = b.post("/app/dispute", url.Values{"event": {w.event.ID}, "kind": {"wrong"}, "message": {"I stayed for the whole day."}})
		saysEachOnce(t, res, body, 1, `id="sessions-problem"`)
		if !strings.Contains(body, "I stayed for the whole day.") || !strings.Contains(body, `value="wrong" checked`) {
			t.Errorf("the second answer:\n%s", body)
		}
		res, _ = b.post("/app/dispute", url.Values{"event": {w.event.ID}, "kind": {"wrong"}, "message": {"I stayed for the whole day."}, "session": {s1, w.event.Sessions[1].ID}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the corrected dispute: %d", res.StatusCode)
		}
	})
}

// The clinical log says every problem of every line at once, beside its input, numbered as
// the form numbers its lines (from 1), keeps every line as typed, and logs nothing.
func TestClinicalFormShowsEveryProblemAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.member)
		form := url.Values{
			"date0": {"2026-09-01"}, "type0": {"bypass_primary"}, "role0": {"primary"}, "ref0": {"CASE-9"},
			"date1": {"31/02/2026"}, "type1": {"ecmo"}, "role1": {"primary"}, "count1": {"500"},
			"date3": {"2026-09-03"}, "type3": {"bypass_primary"}, "role3": {"wizard"},
			"date4": {"2026-09-04"}, "type4": {"vad"}, "role4": {"secondary"}, "count4": {"lots"},
		}
		res, body := b.post("/app/clinical", form)
		saysEachOnce(t, res, body, 4,
			`<a href="#l1-date">Line 2 date</a>: a date such as 2026-03-31`,
			`<a href="#l1-count">Line 2 shifts</a>: from 1 to 100`,
			`<a href="#l3-role">Line 4 role</a>: primary or secondary`,
			`<a href="#l4-count">Line 5 shifts</a>: from 1 to 100`,
			`id="l1-date-problem"`, `id="l1-count-problem"`, `id="l3-role-problem"`, `id="l4-count-problem"`)
		if n := strings.Count(body, `aria-invalid="true"`); n != 4 {
			t.Errorf("%d inputs marked invalid, want 4", n)
		}
		for _, want := range []string{`id="l1-date" name="date1" aria-invalid="true" aria-describedby="l1-date-problem"`,
			`value="31/02/2026"`, `value="500"`, `value="lots"`, `value="CASE-9"`, `value="2026-09-04"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the form lacks %s", want)
			}
		}
		if strings.Contains(body, "lines/") || strings.Contains(body, "Line 0") {
			t.Error("the page numbers lines from 0 or by their pointer")
		}
		entries := func() int {
			es, err := st.ClinicalEntries(context.Background(), w.renee.ID, recert.Date{}, recert.Date{})
			if err != nil {
				t.Fatal(err)
			}
			return len(es)
		}
		if n := entries(); n != 0 {
			t.Fatalf("bad lines logged %d cases", n)
		}
		form.Set("date1", "2026-09-02")
		form.Set("count1", "5")
		form.Set("role3", "secondary")
		form.Set("count4", "2")
		form.Del("csrf_token")
		if res, body := b.post("/app/clinical", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the corrected lines: %d\n%s", res.StatusCode, body)
		}
		if n := entries(); n != 4 {
			t.Errorf("logged %d cases, want 4", n)
		}
	})
}
