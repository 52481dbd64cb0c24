package web_test

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestAppJourney walks a member-approved app in Chromium on each engine: an administrator
// registers a public app on its page; the app (a server of the test's own) sends Renée to the
// authorize link; she signs in, reads the consent page, approves; the app gets the code,
// redeems it with its PKCE verifier and reads her progress; she revokes the app on her
// profile and the app's token stops.
func TestAppJourney(t *testing.T) {
	axe := need(t)
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		start := time.Now()
		w := newWorld(t, st)
		verifier := strings.Repeat("journey-verifier-", 4)
		sum := sha256.Sum256([]byte(verifier))
		challenge := base64.RawURLEncoding.EncodeToString(sum[:])

		// The app: its callback redeems the code and reads the member's progress.
		var (
			mu       sync.Mutex
			appID    string
			appToken string
		)
		app := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			code, redirectURI := r.URL.Query().Get("code"), "http://"+r.Host+"/callback"
			status := 0
			res, err := w.env.Client.CreateTokenWithFormdataBodyWithResponse(r.Context(), api.TokenRequest{GrantType: "authorization_code",
				Code: &code, RedirectURI: &redirectURI, ClientID: &appID, CodeVerifier: &verifier})
			if err == nil && res.JSON200 != nil {
				appToken = res.JSON200.AccessToken
				p, err := w.env.Client.GetMemberProgressWithResponse(r.Context(), w.renee.ID, nil, apitest.Bearer(appToken))
				if err == nil {
					status = p.StatusCode()
				}
			}
			rw.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(rw, `<!doctype html><html lang="en"><head><title>CE Tracker</title></head><body><main><h1>CE Tracker</h1><p id="progress">progress %d</p></main></body></html>`, status)
		}))
		t.Cleanup(app.Close)
		redirect := app.URL + "/callback"

		admin := newTab(t, w.env.URL, axe)
		if st.Engine() != store.SQLite {
			admin.shots = t.TempDir()
		}
		admin.signIn(w.admin, "Members")
		admin.step("open the apps page", chromedp.Navigate(admin.base+"/app/apps"))
		admin.until("the apps page", heading("Your apps"))
		admin.step("register the app",
			chromedp.SendKeys(chromedp.CSS(`#name`), "CE Tracker"),
			chromedp.SendKeys(chromedp.CSS(`#redirect_uris`), redirect),
			chromedp.Click(chromedp.CSS(`form.narrow button`)))
		admin.until("the registered app", present(`#client-id`))
		admin.check("apps")
		narrowShot(admin, "apps")
		appID = admin.text(`#client-id`)
		if !regexp.MustCompile(`^app_[a-z2-7]{24}$`).MatchString(appID) {
			t.Fatalf("the page shows client id %q", appID)
		}

		b := newTab(t, w.env.URL, axe)
		b.shots = admin.shots
		q := url.Values{"response_type": {"code"}, "client_id": {appID}, "redirect_uri": {redirect},
			"scope": {"progress:read offline_access"}, "state": {"s1"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
		b.step("follow the app's link", chromedp.Navigate(b.base+"/app/oauth/authorize?"+q.Encode()))
		b.until("the sign-in form", present(`#email`))
		b.step("sign in",
			chromedp.SendKeys(chromedp.CSS(`#email`), w.member),
			chromedp.SendKeys(chromedp.CSS(`#password`), "correct horse battery staple"),
			chromedp.Click(chromedp.CSS(`form.narrow button`)))
		b.until("the consent page", heading("Let CE Tracker see your record?"))
		if page := b.text(`main`); !strings.Contains(page, "Ada Admin") || !strings.Contains(page, "your recertification progress and credits") {
			t.Errorf("the consent page reads:\n%s", page)
		}
		b.check("authorize")
		narrowShot(b, "authorize")
		b.step("approve", chromedp.Click(chromedp.CSS(`button[value=approve]`)))
		b.until("the app's page", present(`#progress`))
		if got := b.text(`#progress`); got != "progress 200" {
			t.Fatalf("the app read: %q", got)
		}
		mu.Lock()
		token := appToken
		mu.Unlock()

		b.step("open the profile", chromedp.Navigate(b.base+"/app/profile#apps"))
		b.until("the profile", heading("Your profile"))
		if apps := b.text(`ul.apps`); !strings.Contains(apps, "CE Tracker") || !strings.Contains(apps, "Ada Admin") {
			t.Errorf("connected apps read:\n%s", apps)
		}
		b.check("profile-apps")
		narrowShot(b, "profile-apps")
		b.step("revoke the app", chromedp.Click(chromedp.CSS(`ul.apps button`)))
		b.until("revoked", flash("The app's access is revoked."))
		res, err := w.env.Client.GetMemberProgressWithResponse(t.Context(), w.renee.ID, nil, apitest.Bearer(token))
		if err != nil || res.StatusCode() != 401 {
			t.Errorf("the app's token after revocation: %v %d", err, res.StatusCode())
		}
		t.Logf("app journey (%s): %s", st.Engine(), time.Since(start).Round(time.Millisecond))
	})
}

// narrowShot keeps a 375 px screenshot of the page, for people to look at.
func narrowShot(b *tab, name string) {
	b.t.Helper()
	b.step("narrow "+name, chromedp.EmulateViewport(375, 800))
	b.shot(name + "-375")
	b.step("wide "+name, chromedp.EmulateViewport(1280, 900))
	b.t.Logf("screenshots in %s", b.shots)
}
