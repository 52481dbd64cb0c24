package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestLinkedInFromCredits: the member's credits page offers to add each certificate to
// LinkedIn, filled in with the certificate's event, sponsor, month and year, verification
// page and id; another member's attendance is not found.
func TestLinkedInFromCredits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		w.creditRenee(t, st)
		b := w.browser(t)
		b.signIn(w.member)
		_, body := b.get("/app/credits")
		link := regexpFind(t, body, `href="(/app/credits/att_[^"]+/linkedin)"`)
		if !strings.Contains(body, ">Add to LinkedIn</a>") {
			t.Errorf("the credits page does not say what the link does:\n%s", body)
		}
		res, _ := b.get(link)
		to, err := url.Parse(res.Header.Get("Location"))
		if res.StatusCode != http.StatusSeeOther || err != nil || to.Scheme != "https" || to.Host != "www.linkedin.com" || to.Path != "/profile/add" {
			t.Fatalf("the LinkedIn link: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		q := to.Query()
		cert := q.Get("certId")
		end := w.event.EndDate
		for k, want := range map[string]string{"startTask": "CERTIFICATION_NAME", "name": w.event.Title, "organizationName": w.org.Name,
			"issueYear": strconv.Itoa(end.Year), "issueMonth": strconv.Itoa(int(end.Month))} {
			if got := q.Get(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		if !regexp.MustCompile(`^crd_[a-z2-7]{24}$`).MatchString(cert) || !strings.HasSuffix(q.Get("certUrl"), "/verify/"+cert) ||
			!strings.HasPrefix(q.Get("certUrl"), "http") {
			t.Errorf("certId %q, certUrl %q", cert, q.Get("certUrl"))
		}
		if strings.Contains(to.RawQuery, " ") {
			t.Errorf("the query is not encoded: %s", to.RawQuery)
		}
		other, err := st.CreateMember(t.Context(), recert.Member{Name: "Olga Other", Email: "olive.other@example.org"}, w.org.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		w.env.CreateUser(t, recert.User{Email: "olive.other@example.org", Name: "Olga Other", Role: recert.RoleMember, MemberID: other.ID})
		stranger := w.browser(t)
		stranger.signIn("olive.other@example.org")
		if res, _ := stranger.get(link); res.StatusCode != http.StatusNotFound {
			t.Errorf("another member's certificate on LinkedIn: %d", res.StatusCode)
		}
	})
}
