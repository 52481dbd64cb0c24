package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/app"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// world is a running service with an organization, its organizer, an administrator, an
// event whose sessions match testdata/messy-roster.csv, and Renée, a member with a login.
type world struct {
	env                      *apitest.Env
	org, otherOrg            recert.Organization
	event                    recert.Event
	renee                    recert.Member
	organizer, admin, member string // emails
}

func newWorld(t *testing.T, st *store.Store, opts ...app.Option) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{env: apitest.Start(t, st, opts...), organizer: "org@example.org", admin: "admin@example.org", member: "renee.roy@example.org"}
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w.org, err = st.CreateOrganization(ctx, recert.Organization{Name: "Wisconsin Perfusion Society", Code: "WPS"}, "test")
	must(err)
	w.otherOrg, err = st.CreateOrganization(ctx, recert.Organization{Name: "Ohio State Perfusion", Code: "OSP"}, "test")
	must(err)
	d := recert.Date{Year: 2026, Month: 11, Day: 3}
	ev, err := st.CreateEvent(ctx, recert.Event{OrganizationID: w.org.ID, Title: "Fall Meeting", Format: "in_person",
		TimeZone: "America/Chicago", StartDate: d, EndDate: d, Category: "I", Sessions: []recert.Session{
			{Title: "Cannulation", Date: d, CEUs: 100},
			{Title: "Tuesday morning", Code: "Tue-AM", Date: d, CEUs: 150},
			{Title: "Ethics in ECMO", Category: "II", Date: d, CEUs: 50},
		}}, "test")
	must(err)
	w.event, err = st.SetEventStatus(ctx, ev.ID, recert.EventPublished, "test")
	must(err)
	w.renee, err = st.CreateMember(ctx, recert.Member{Name: "Renée Roy", ABCPID: "104455", Email: "renee.roy@example.org",
		CertificationDate: recert.Date{Year: 2024, Month: 3, Day: 1}, ABCPCycle: 1, Status: "active"}, w.org.ID, "test")
	must(err)
	// An activity an administrator rejected: the dashboard lists it among what did not count.
	act, err := st.CreateActivity(ctx, recert.Activity{MemberID: w.renee.ID, Type: "publication", Date: recert.Date{Year: 2026, Month: 11, Day: 10},
		CEUs: 200, Category: "I", Title: "Case report on circuit priming", DocumentationStatus: "none"}, "test")
	must(err)
	const why = "the article was not attached"
	_, err = st.UpdateActivity(ctx, act.ID, recert.ReviewRejected, why, "test", func(a *recert.Activity) error {
		a.ReviewStatus, a.ReviewReason = recert.ReviewRejected, why
		return nil
	})
	must(err)
	for _, m := range []recert.Member{{Name: "Nora NoID", Email: "nora@example.org"}} {
		_, err = st.CreateMember(ctx, m, w.org.ID, "test")
		must(err)
	}
	_, err = st.CreateMember(ctx, recert.Member{Name: "Olga Other", ABCPID: "777001", Email: "olga@example.org"}, w.otherOrg.ID, "test")
	must(err)
	w.env.CreateUser(t, recert.User{Email: w.organizer, Name: "Olive Organizer", Role: recert.RoleOrganizer, OrganizationIDs: []string{w.org.ID}})
	w.env.CreateUser(t, recert.User{Email: w.admin, Name: "Ada Admin", Role: recert.RoleAdmin})
	w.env.CreateUser(t, recert.User{Email: w.member, Name: "Renée Roy", Role: recert.RoleMember, MemberID: w.renee.ID})
	return w
}

// browser is a cookie-keeping client that does not follow redirects, so tests see them.
type browser struct {
	t      testing.TB
	base   string
	c      *http.Client
	routes []*echo.Route // the pages' routes, when the test served them itself
}

// cookie is the browser's cookie of that name for the pages, nil when it has none.
func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.base + "/app/")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return &http.Cookie{Name: c.Name, Value: c.Value, Path: "/app"}
		}
	}
	return nil
}

// setCookie gives the browser a cookie for the pages.
func (b *browser) setCookie(c *http.Cookie) {
	u, _ := url.Parse(b.base + "/app/")
	b.c.Jar.SetCookies(u, []*http.Cookie{c})
}

// postWith submits a form with the request headers given (as another site's page would).
func (b *browser) postWith(path string, form url.Values, headers map[string]string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return b.do(req)
}

func (w *world) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: w.env.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	return b.do(req)
}

// csrf is the CSRF value the pages put in their forms for this browser, read from a page
// as a person's browser would (it is bound to the session once signed in).
func (b *browser) csrf() string {
	b.t.Helper()
	path := "/app/sign-in"
	for range 3 {
		res, body := b.get(path)
		if m := csrfInput.FindStringSubmatch(body); m != nil {
			return m[1]
		}
		if path = res.Header.Get("Location"); path == "" {
			break
		}
	}
	b.t.Fatal("no page gave a CSRF token")
	return ""
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// post submits a form, with the CSRF value unless the form sets csrf_token itself.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	if _, set := form["csrf_token"]; !set {
		form.Set("csrf_token", b.csrf())
	}
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) signIn(email string) {
	b.t.Helper()
	res, body := b.post("/app/sign-in", url.Values{"email": {email}, "password": {apitest.Password}})
	if res.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign in as %s: %d\n%s", email, res.StatusCode, body)
	}
}

// confirmRoster uploads a roster to the event's preview and confirms it, as an organizer.
func (b *browser) confirmRoster(eventID string, file []byte) {
	b.t.Helper()
	res, body := b.upload(eventID, "roster.csv", file)
	if res.StatusCode != http.StatusOK {
		b.t.Fatalf("roster preview: %d\n%s", res.StatusCode, body)
	}
	form := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	// Confirmed, it redirects; with skipped rows, it shows them instead.
	if res, body = b.post("/app/events/"+eventID+"/roster/confirm", form); res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusOK {
		b.t.Fatalf("roster confirm: %d\n%s", res.StatusCode, body)
	}
}
