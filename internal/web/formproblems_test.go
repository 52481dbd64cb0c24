package web_test

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// A form with three problems says all three in one answer, each once, beside its field and
// numbered as the form numbers sessions, and keeps what was typed; one resubmit fixes them.
func TestEventFormShowsEveryProblemAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.organizer)
		good := eventForm(w.org.ID)
		bad := with(with(with(good, "title", ""), "time_zone", "Mars/Olympus"), "s_ceus", "1", "lots", "0.50", "")
		res, body := b.post("/app/events/new", bad)
		text := html.UnescapeString(body)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(text, "3 things to correct") {
			t.Fatalf("three problems: %d\n%s", res.StatusCode, text)
		}
		for _, want := range []string{
			`<a href="#title">Title</a>: give the event a title`,
			`<a href="#time_zone">Time zone</a>: not an IANA time zone`,
			`<a href="#s1-ceus">Session 2 CEUs</a>: give the CEUs`,
			`id="title-problem"`, `id="time_zone-problem"`, `id="s1-ceus-problem"`,
		} {
			if n := strings.Count(text, want); n != 1 {
				t.Errorf("%q shown %d times, want once", want, n)
			}
		}
		if n := strings.Count(body, `aria-invalid="true"`); n != 3 {
			t.Errorf("%d fields marked invalid, want 3", n)
		}
		for _, want := range []string{`aria-describedby="time_zone-problem time_zone-hint"`, `value="Madison"`, `value="lots"`, `value="Mars/Olympus"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the form lacks %s", want)
			}
		}
		for _, wrong := range []string{"at most 300", "sessions/1", "IANA time zone such as America/Chicago; "} {
			if strings.Contains(text[strings.Index(text, "<main"):], wrong) {
				t.Errorf("the page says %q", wrong)
			}
		}
		res, _ = b.post("/app/events/new", fresh(good))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the corrected form: %d, want 303", res.StatusCode)
		}
	})
}
