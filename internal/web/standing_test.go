package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// An organizer reads where each member their organization sees stands, narrowed to a
// status; another organization's members and another organization's list stay out of reach.
func TestStandingPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.organizer)
		res, body := b.get("/app/standing")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("standing: %d\n%s", res.StatusCode, body)
		}
		for _, want := range []string{"Renée Roy", "Nora NoID"} {
			if !strings.Contains(body, want) {
				t.Errorf("standing page lacks %q", want)
			}
		}
		if strings.Contains(body, "Olga Other") {
			t.Error("standing page shows another organization's member")
		}
		if _, body := b.get("/app/standing?status=behind"); !strings.Contains(body, "Renée Roy") || strings.Contains(body, "Nora NoID") ||
			!strings.Contains(body, "Needs 45.00 more CEUs") {
			t.Errorf("behind members: want Renée with what she needs and not Nora:\n%s", body)
		}
		if _, body := b.get("/app/standing?status=complete"); strings.Contains(body, "Renée Roy") || !strings.Contains(body, "has that status") {
			t.Errorf("complete members: want none:\n%s", body)
		}
		if res, _ := b.get("/app/standing?org=" + w.otherOrg.ID); res.StatusCode != http.StatusNotFound {
			t.Errorf("another organization's standing: %d, want 404", res.StatusCode)
		}
	})
}
