package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestAdminMemberPage: an administrator finds a member, opens the record, enters the ABCP
// cycle and where tracking starts, and sends the claim invitation again; an organizer has no
// such page.
func TestAdminMemberPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.admin)
		_, body := b.get("/app/members?q=nora")
		link := regexp.MustCompile(`href="(/app/members/mem_[^"]+)"`).FindStringSubmatch(body)
		if link == nil {
			t.Fatalf("the search lists no link to the member:\n%s", body)
		}
		res, body := b.get(link[1])
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Nora NoID") || !strings.Contains(body, "No login yet") {
			t.Fatalf("member page: %d\n%s", res.StatusCode, body)
		}
		version := regexpFind(t, body, `name="version" value="(\d+)"`)
		form := url.Values{"version": {version}, "name": {"Nora NoID"}, "email": {"nora@example.org"}, "abcp_cycle": {"3"},
			"tracking_since": {"2025-07-01"}, "status": {"active"}}
		if res, body := b.post(link[1], form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", res.StatusCode, body)
		}
		id := strings.TrimPrefix(link[1], "/app/members/")
		m, err := st.Member(t.Context(), id)
		if err != nil || m.ABCPCycle != 3 || m.TrackingSince.String() != "2025-07-01" {
			t.Fatalf("record after saving: %+v %v", m, err)
		}
		if res, body := b.post(link[1]+"/invite", url.Values{}); res.StatusCode != http.StatusOK || !strings.Contains(body, "The invitation is sent to nora@example.org") {
			t.Fatalf("invite: %d\n%s", res.StatusCode, body)
		}
		w.env.Outbox(t, "nora@example.org", 1)
		o := w.browser(t)
		o.signIn(w.organizer)
		if res, _ := o.get(link[1]); res.StatusCode != http.StatusNotFound {
			t.Errorf("an organizer opened the administrator's member page: %d", res.StatusCode)
		}
	})
}
