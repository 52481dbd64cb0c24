package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
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

// TestAdminMemberEffectHistoryAndSignOut: moving where a member's record starts shows what it
// does to their periods before anything is saved, and saves when confirmed; the change is in
// the record's history, by name; "sign out everywhere" ends the member's page session.
func TestAdminMemberEffectHistoryAndSignOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		if _, err := st.UpdateMember(t.Context(), w.renee.ID, 0, "test", func(m *recert.Member) error {
			m.TrackingSince = recert.DateOf(time.Now())
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		renee := w.browser(t)
		renee.signIn(w.member)
		b := w.browser(t)
		b.signIn(w.admin)
		page := "/app/members/" + w.renee.ID
		_, body := b.get(page)
		form := url.Values{"version": {regexpFind(t, body, `name="version" value="(\d+)"`)}, "name": {"Renée Roy"}, "email": {"renee.roy@example.org"},
			"abcp_id": {"104455"}, "abcp_cycle": {"1"}, "certification_date": {"2024-03-01"}, "tracking_since": {"2020-01-01"}, "status": {"active"}}
		res, body := b.post(page, form)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Saving this changes the member's progress") ||
			!strings.Contains(body, "not tracked → deficient") || !strings.Contains(body, `name="confirm" value="1"`) {
			t.Fatalf("the effect before saving: %d\n%s", res.StatusCode, body)
		}
		if m, _ := st.Member(t.Context(), w.renee.ID); m.TrackingSince.String() == "2020-01-01" {
			t.Fatal("the change was saved before it was confirmed")
		}
		form.Set("confirm", "1")
		if res, body := b.post(page, form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm: %d\n%s", res.StatusCode, body)
		}
		if m, _ := st.Member(t.Context(), w.renee.ID); m.TrackingSince.String() != "2020-01-01" {
			t.Fatalf("not saved: %v", m.TrackingSince)
		}
		_, body = b.get(page)
		if !strings.Contains(body, "by Ada Admin: Record starts changed from "+recert.DateOf(time.Now()).String()+" to 2020-01-01") {
			t.Errorf("the history:\n%s", body)
		}
		if res, body := renee.get("/app/dashboard"); res.StatusCode != http.StatusOK {
			t.Fatalf("Renée's page before: %d\n%s", res.StatusCode, body)
		}
		// A lost badge: the administrator replaces Renée's code; her card shows the new one.
		before := checkInCode(t, renee)
		if res, body := b.post(page+"/check-in-code", url.Values{}); res.StatusCode != http.StatusOK ||
			!strings.Contains(body, "Renée Roy&#39;s check-in code is replaced") {
			t.Fatalf("replace the check-in code: %d\n%s", res.StatusCode, body)
		}
		if after := checkInCode(t, renee); after == before {
			t.Error("the card shows the replaced code")
		}
		if res, body := b.post(page+"/sign-out", url.Values{}); res.StatusCode != http.StatusOK || !strings.Contains(body, "Every sign-in of Renée Roy is ended") {
			t.Fatalf("sign out everywhere: %d\n%s", res.StatusCode, body)
		}
		if res, _ := renee.get("/app/dashboard"); res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "/app/sign-in") {
			t.Errorf("Renée's page after: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

// TestAdminMemberLicences: an administrator enters a member's licence on the member's page;
// a mistake comes back beside its field, and the saved licence is in the record's history.
func TestAdminMemberLicences(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.admin)
		page := "/app/members/" + w.renee.ID
		_, body := b.get(page)
		m, err := st.Member(t.Context(), w.renee.ID)
		if err != nil {
			t.Fatal(err)
		}
		form := url.Values{"version": {regexpFind(t, body, `name="version" value="(\d+)"`)}, "name": {m.Name}, "email": {m.Email},
			"abcp_id": {m.ABCPID}, "abcp_cycle": {strconv.Itoa(m.ABCPCycle)}, "certification_date": {m.CertificationDate.String()}, "status": {m.Status},
			"l_state": {"Wisconsin"}, "l_number": {"P-100"}, "l_issued": {"2024-01-01"}, "l_expires": {""}}
		if res, body := b.post(page, form); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="lic0-state-problem"`) {
			t.Fatalf("a state in words: %d\n%s", res.StatusCode, body)
		}
		form.Set("l_state", "WI")
		if res, body := b.post(page, form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", res.StatusCode, body)
		}
		if m, _ := st.Member(t.Context(), w.renee.ID); len(m.Licenses) != 1 || m.Licenses[0].Number != "P-100" {
			t.Fatalf("licences on record: %+v", m.Licenses)
		}
		if _, body := b.get(page); !strings.Contains(body, "Licences set to WI P-100 (issued 2024-01-01)") {
			t.Errorf("the history:\n%s", body)
		}
	})
}
