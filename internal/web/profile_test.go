package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestProfile: a member with no ABCP cycle on record (as a roster leaves them) enters it on
// the profile, after which it is shown, not offered; the calendar address is found there.
func TestProfile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		if _, err := st.UpdateMember(t.Context(), w.renee.ID, 0, "test", func(m *recert.Member) error {
			m.ABCPCycle = 0
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		b := w.browser(t)
		b.signIn(w.member)
		res, body := b.get("/app/profile")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="abcp_cycle"`) || !strings.Contains(body, "Online Filing System") {
			t.Fatalf("profile: %d\n%s", res.StatusCode, body)
		}
		version := regexpFind(t, body, `name="version" value="(\d+)"`)
		form := url.Values{"version": {version}, "name": {"Renée Roy"}, "abcp_cycle": {"4"}}
		if res, body := b.post("/app/profile", form); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "1, 2 or 3") {
			t.Errorf("cycle 4: %d\n%s", res.StatusCode, body)
		}
		form.Set("abcp_cycle", "2")
		if res, body := b.post("/app/profile", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", res.StatusCode, body)
		}
		m, err := st.Member(t.Context(), w.renee.ID)
		if err != nil || m.ABCPCycle != 2 {
			t.Fatalf("cycle on record: %d %v", m.ABCPCycle, err)
		}
		if _, body := b.get("/app/profile"); strings.Contains(body, `id="abcp_cycle"`) || !strings.Contains(body, "ABCP cycle: <strong>2</strong>") {
			t.Errorf("a recorded cycle is offered again:\n%s", body)
		}
		// A stale form (the version it was opened at) does not overwrite a change made since.
		if res, _ := b.post("/app/profile", url.Values{"version": {version}, "name": {"Someone Else"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("stale form: %d", res.StatusCode)
		}
		res, body = b.post("/app/profile/calendar", url.Values{})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "/v1/calendars/") {
			t.Errorf("calendar address: %d\n%s", res.StatusCode, body)
		}
	})
}

// TestProfileLicences: a member enters licences and a birth month on the profile; three
// mistakes in one submit come back together, each beside its field, the typed values kept,
// and one resubmit fixes them.
func TestProfileLicences(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.member)
		_, body := b.get("/app/profile")
		version := regexpFind(t, body, `name="version" value="(\d+)"`)
		form := url.Values{"version": {version}, "name": {"Renée Roy"}, "birth_month": {"3"},
			"l_state": {"Wisc", "MN", ""}, "l_number": {"P-100", "", ""}, "l_issued": {"2024-01-01", "not a day", ""}, "l_expires": {"", "", ""}}
		res, body := b.post("/app/profile", form)
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("three mistakes: %d\n%s", res.StatusCode, body)
		}
		for _, want := range []string{
			`id="lic0-state-problem"`, `id="lic1-number-problem"`, `id="lic1-issued_on-problem"`, "3 things to correct",
			"Licence 1 state", "Licence 2 number", "Licence 2 issue date", `value="WISC"`, `value="P-100"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the answer lacks %s:\n%s", want, body)
			}
		}
		if n := strings.Count(body, "two letters, such as WI"); n != 2 { // beside the field and in the list
			t.Errorf("the state's problem is printed %d times", n)
		}
		form["l_state"], form["l_number"], form["l_issued"] = []string{"WI", "MN", ""}, []string{"P-100", "MN-7", ""}, []string{"2024-01-01", "2023-05-01", ""}
		if res, body := b.post("/app/profile", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("fixed: %d\n%s", res.StatusCode, body)
		}
		m, err := st.Member(t.Context(), w.renee.ID)
		if err != nil || m.BirthMonth != 3 || len(m.Licenses) != 2 || m.Licenses[0].State != "MN" || m.Licenses[0].IssuedOn.String() != "2023-05-01" {
			t.Fatalf("on record: %+v %v", m, err)
		}
		// Clearing a row removes that licence.
		_, body = b.get("/app/profile")
		form.Set("version", regexpFind(t, body, `name="version" value="(\d+)"`))
		form["l_state"], form["l_number"], form["l_issued"] = []string{"", "WI", ""}, []string{"", "P-100", ""}, []string{"", "2024-01-01", ""}
		if res, body := b.post("/app/profile", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d\n%s", res.StatusCode, body)
		}
		if m, _ := st.Member(t.Context(), w.renee.ID); len(m.Licenses) != 1 || m.Licenses[0].State != "WI" {
			t.Errorf("after removing: %+v", m.Licenses)
		}
	})
}

func regexpFind(t *testing.T, body, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in:\n%s", pattern, body)
	}
	return m[1]
}

// TestDashboardCollapsesUntrackedPast: past periods from before the record starts are one
// line under the cards, not a card each.
func TestDashboardCollapsesUntrackedPast(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		if _, err := st.UpdateMember(t.Context(), w.renee.ID, 0, "test", func(m *recert.Member) error {
			m.TrackingSince = recert.DateOf(time.Now())
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		b := w.browser(t)
		b.signIn(w.member)
		_, body := b.get("/app/dashboard")
		if !strings.Contains(body, `class="untracked"`) || !strings.Contains(body, "not tracked") {
			t.Fatalf("no line for the untracked past:\n%s", body)
		}
		if n := strings.Count(body, `(previous period)`); n != 0 {
			t.Errorf("%d cards of untracked previous periods", n)
		}
	})
}
