package httpapi_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// sharePeriod is a day in the ABCP period trackABCP gives the world's member, the period of
// the world's event.
var sharePeriod = &openapi_types.Date{Time: time.Date(2026, 4, 17, 0, 0, 0, 0, time.UTC)}

// shareLink is a fresh link of the world's member to their ABCP period, and its address's
// path.
func (w *world) shareLink(t *testing.T, label string) (api.ShareLinkWithURL, string) {
	t.Helper()
	w.trackABCP(t)
	res, err := w.env.Client.CreateShareLinkWithResponse(t.Context(), api.ShareLinkInput{ProgramID: "abcp-ccp-ceu", Period: sharePeriod, Label: label}, w.as("member"))
	if err != nil || res.JSON201 == nil {
		t.Fatalf("share link: %v %s", err, res.Body)
	}
	return *res.JSON201, res.JSON201.URL[strings.Index(res.JSON201.URL, "/share/"):]
}

// openShared gets a shared page as a browser would, without signing in.
func openShared(t *testing.T, w *world, path string) (*http.Response, string) {
	t.Helper()
	res, err := w.env.HTTP.Get(w.env.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	return res, string(body)
}

// browse gets a page as a browser asks for it. The contract's checks are left out: a
// browser is given a page where an API client gets a problem.
func browse(t *testing.T, w *world, path string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, w.env.URL+path, nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	return res, string(body)
}

// shareLinkOf is the member's link with id, as they list it.
func shareLinkOf(t *testing.T, w *world, caller, id string) (api.ShareLink, bool) {
	t.Helper()
	res, err := w.env.Client.ListShareLinksWithResponse(t.Context(), nil, w.as(caller))
	if err != nil || res.JSON200 == nil {
		t.Fatalf("list as %s: %v %s", caller, err, res.Body)
	}
	for _, l := range res.JSON200.Items {
		if l.ID == id {
			return l, true
		}
	}
	return api.ShareLink{}, false
}

// A member shares one period of their record: the page shows their name and the period's
// credits, sponsor-verified and self-reported told apart, with the certificates' pages, and
// nothing else of them; each view is counted; revoked or expired links answer 410.
func TestShareLinks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		w.activity(t) // self-reported, 5 January 2026: in the period
		if _, err := st.CreateActivity(ctx, recert.Activity{MemberID: w.member.ID, Type: "publication", Date: recert.NewDate(2023, 3, 1),
			CEUs: 200, Category: "I", Title: "Before the period", DocumentationStatus: "none"}, "test"); err != nil {
			t.Fatal(err)
		}
		before := time.Now().UTC()
		link, path := w.shareLink(t, "for my employer")
		if got := link.ExpiresAt.Sub(link.CreatedAt); got != 30*24*time.Hour || link.Status != api.ShareLinkActive || link.ViewCount != 0 {
			t.Errorf("a new link: expires after %v, %+v", got, link)
		}
		if link.CreatedAt.Before(before.Truncate(time.Second)) || !regexp.MustCompile(`^/share/rsh_[A-Za-z0-9_-]{22}$`).MatchString(path) {
			t.Errorf("link %+v at %s", link, path)
		}

		// More than a year ahead is refused at the field; so is a past expiry.
		for _, at := range []time.Time{time.Now().Add(366 * 24 * time.Hour), time.Now().Add(-time.Hour)} {
			res, err := w.env.Client.CreateShareLinkWithResponse(ctx, api.ShareLinkInput{ProgramID: "abcp-ccp-ceu", Label: "x", ExpiresAt: &at}, w.as("member"))
			if err != nil || res.StatusCode() != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), `"pointer":"#/expires_at"`) {
				t.Errorf("expiry %v: %v %d %s", at, err, res.StatusCode(), res.Body)
			}
		}
		year := time.Now().Add(364 * 24 * time.Hour).Truncate(time.Second)
		if res, _ := w.env.Client.CreateShareLinkWithResponse(ctx, api.ShareLinkInput{ProgramID: "abcp-ccp-ceu", Label: "x", ExpiresAt: &year}, w.as("member")); res.JSON201 == nil || !res.JSON201.ExpiresAt.Equal(year) {
			t.Errorf("an expiry within the year: %s", res.Body)
		}

		res, page := openShared(t, w, path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("shared page: %d %s", res.StatusCode, page)
		}
		for h, want := range map[string]string{"X-Robots-Tag": "noindex", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"} {
			if got := res.Header.Get(h); got != want {
				t.Errorf("%s: %q, want %q", h, got, want)
			}
		}
		for _, want := range []string{w.member.Name, `<meta name="robots" content="noindex">`, "Sponsor-verified", "Self-reported",
			"Case report", "Spring Meeting", "/verify/crd_"} {
			if !strings.Contains(page, want) {
				t.Errorf("the shared page lacks %q:\n%s", want, page)
			}
		}
		for _, absent := range []string{"pat@example.org", w.member.ABCPID, "ABCP ID", "Before the period", w.member.ID} {
			if strings.Contains(page, absent) {
				t.Errorf("the shared page shows %q:\n%s", absent, page)
			}
		}
		// Nothing else of the member is reachable: the page links only certificates' pages.
		for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(page, -1) {
			if m[1] != "/app/assets/app.css" && !regexp.MustCompile(`/verify/crd_[a-z2-7]{24}$`).MatchString(m[1]) {
				t.Errorf("the shared page links %s", m[1])
			}
		}

		openShared(t, w, path)
		seen, ok := shareLinkOf(t, w, "member", link.ID)
		if !ok || seen.ViewCount != 2 || seen.LastViewedAt == nil || seen.LastViewedAt.Before(before.Truncate(time.Second)) {
			t.Errorf("after two views: %+v", seen)
		}

		// Another member neither lists nor revokes it.
		if _, listed := shareLinkOf(t, w, "other member", link.ID); listed {
			t.Error("another member lists my link")
		}
		if res, _ := w.env.Client.RevokeShareLinkWithResponse(ctx, link.ID, w.as("other member")); res.StatusCode() != http.StatusNotFound {
			t.Errorf("another member revoking my link: %d %s", res.StatusCode(), res.Body)
		}

		if res, _ := w.env.Client.RevokeShareLinkWithResponse(ctx, link.ID, w.as("member")); res.StatusCode() != http.StatusNoContent {
			t.Fatalf("revoke: %d %s", res.StatusCode(), res.Body)
		}
		if gone, body := openShared(t, w, path); gone.StatusCode != http.StatusGone || !strings.Contains(body, "/problems/gone") {
			t.Errorf("a revoked link: %d %s", gone.StatusCode, body)
		}
		gone, body := browse(t, w, path)
		if gone.StatusCode != http.StatusGone || gone.Header.Get("Content-Type") != "text/html" || !strings.Contains(body, "no longer works") ||
			strings.Contains(body, w.member.Name) || gone.Header.Get("Cache-Control") != "no-store" || gone.Header.Get("X-Robots-Tag") != "noindex" {
			t.Errorf("a revoked link in a browser: %d %v %s", gone.StatusCode, gone.Header, body)
		}
		if l, _ := shareLinkOf(t, w, "member", link.ID); l.Status != api.ShareLinkRevoked || l.RevokedAt == nil || l.ViewCount != 2 {
			t.Errorf("revoked, listed: %+v", l)
		}

		expiring, expPath := w.shareLink(t, "for the audit")
		if err := st.SetShareLinkExpiry(ctx, expiring.ID, time.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if res, body := openShared(t, w, expPath); res.StatusCode != http.StatusGone {
			t.Errorf("an expired link: %d %s", res.StatusCode, body)
		}
		if l, _ := shareLinkOf(t, w, "member", expiring.ID); l.Status != api.ShareLinkExpired || l.ViewCount != 0 {
			t.Errorf("expired, listed: %+v", l)
		}

		if res, body := openShared(t, w, "/share/rsh_"+strings.Repeat("A", 22)); res.StatusCode != http.StatusNotFound {
			t.Errorf("an unknown link: %d %s", res.StatusCode, body)
		}
	})
}

// Disabling a member's account ends their share links with it.
func TestShareLinksEndWhenMemberDisabled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		link, path := w.shareLink(t, "for my employer")
		if res, _ := openShared(t, w, path); res.StatusCode != http.StatusOK {
			t.Fatalf("before: %d", res.StatusCode)
		}
		u, _, err := st.UserByEmail(t.Context(), "pat@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if res, err := w.env.Client.UpdateUserWithResponse(t.Context(), u.ID, api.UserUpdate{Disabled: ptr(true)}, w.as("admin")); err != nil || res.StatusCode() != http.StatusOK {
			t.Fatalf("disable: %v %s", err, res.Body)
		}
		if res, body := openShared(t, w, path); res.StatusCode != http.StatusGone {
			t.Errorf("after the account was disabled: %d %s", res.StatusCode, body)
		}
		links, err := st.ShareLinks(t.Context(), w.member.ID)
		if err != nil || len(links) != 1 || links[0].ID != link.ID || links[0].RevokedAt == nil {
			t.Errorf("links after disabling: %+v %v", links, err)
		}
	})
}
