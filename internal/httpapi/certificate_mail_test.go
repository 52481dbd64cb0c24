package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render/rendertest"
	"github.com/recert-dev/recert/internal/store"
)

// TestCertificatesByMail: at an event whose organizer chose it, each member a roster credits
// is e-mailed their certificate, a PDF whose QR code is its verification address; at an
// event that did not, nobody is.
func TestCertificatesByMail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		w := newWorld(t, env)
		ctx := context.Background()
		event := func(title string, mail bool) recert.Event {
			in := eventInput()
			in.Title, in.EmailCertificates = title, &mail
			created, err := env.Client.CreateEventWithResponse(ctx, w.orgA.ID, in, w.as("organizer A"))
			if err != nil || created.JSON201 == nil || created.JSON201.EmailCertificates != mail {
				t.Fatalf("create %s: %v %s", title, err, created.Body)
			}
			if res, _ := env.Client.PublishEventWithResponse(ctx, created.JSON201.ID, w.as("organizer A")); res.JSON200 == nil {
				t.Fatalf("publish: %s", res.Body)
			}
			e, err := st.Event(ctx, created.JSON201.ID)
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		quiet, mailed := event("Quiet Meeting", false), event("Certified Meeting", true)
		m, err := st.CreateMember(ctx, recert.Member{Name: "Cora Cert", Email: apitest.Email(t, "cora"), ABCPID: "246810"}, w.orgA.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range []recert.Event{quiet, mailed} {
			res, err := env.Client.PostRosterWithResponse(ctx, e.ID, &api.PostRosterParams{AllSessions: ptr(true)},
				api.RosterInput{Rows: []api.RosterRowInput{{ABCPID: &m.ABCPID}}}, w.as("organizer A"))
			if err != nil || res.StatusCode() != http.StatusOK {
				t.Fatalf("roster of %s: %v %d %s", e.Title, err, res.StatusCode(), res.Body)
			}
		}
		got := env.Outbox(t, m.Email, 1)
		if len(got) != 1 || got[0].Subject != "Your certificate of attendance at Certified Meeting" {
			t.Fatalf("mail to %s: %+v", m.Email, got)
		}
		var pdf []byte
		for name, data := range got[0].Attachments {
			if strings.HasSuffix(name, ".pdf") {
				pdf = data
			}
		}
		if !strings.HasPrefix(string(pdf), "%PDF-") {
			t.Fatalf("no certificate attached: %v", got[0].Attachments)
		}
		codes := rendertest.QRCodes(t, pdf)
		if len(codes) != 1 || !strings.Contains(got[0].Text, codes[0]) || !strings.Contains(codes[0], "/verify/crd_") {
			t.Errorf("the QR code %v and the text:\n%s", codes, got[0].Text)
		}
	})
}
