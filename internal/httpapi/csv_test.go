package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestCSVExportsNeutraliseFormulas: an organization names its event and session like
// spreadsheet formulas; the member's CSV export shows them as text.
func TestCSVExportsNeutraliseFormulas(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		w := newWorld(t, env)
		ctx := context.Background()
		day := recert.Date{Year: 2026, Month: 5, Day: 2}
		e, err := st.CreateEvent(ctx, recert.Event{
			OrganizationID: w.orgA.ID, Title: `=HYPERLINK("http://evil.example","open")`, Format: "in_person",
			TimeZone: "America/Chicago", StartDate: day, EndDate: day, Category: "I",
			Sessions: []recert.Session{{Title: "@SUM(1+1)", Date: day, CEUs: 100}},
		}, "test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetEventStatus(ctx, e.ID, recert.EventPublished, "test"); err != nil {
			t.Fatal(err)
		}
		w.attend(t, e, w.member)

		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, env.URL+"/v1/members/"+w.member.ID+"/credits", nil)
		req.Header.Set("Accept", "text/csv")
		req.Header.Set("Authorization", "Bearer "+w.tokens["member"])
		res, err := env.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(b), `"'=HYPERLINK(""http://evil.example"",""open"")",'@SUM(1+1)`) {
			t.Errorf("formula cells not neutralised:\n%s", b)
		}
	})
}
