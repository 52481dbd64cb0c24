package web_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render/rendertest"
	"github.com/recert-dev/recert/internal/store"
)

// TestCertificateFromCredits: the credits page links each credit to its attendance's
// certificate, a PDF of the member's own; another member's attendance is not found.
func TestCertificateFromCredits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		w.creditRenee(t, st)
		b := w.browser(t)
		b.signIn(w.member)
		_, body := b.get("/app/credits")
		link := regexpFind(t, body, `href="(/app/credits/att_[^"]+/certificate\.pdf)"`)
		res, pdf := b.get(link)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
			t.Fatalf("the certificate: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
		other, err := st.CreateMember(t.Context(), recert.Member{Name: "Olga Other", Email: "olive.other@example.org"}, w.org.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		w.env.CreateUser(t, recert.User{Email: "olive.other@example.org", Name: "Olga Other", Role: recert.RoleMember, MemberID: other.ID})
		olga := w.browser(t)
		olga.signIn("olive.other@example.org")
		if res, _ := olga.get(link); res.StatusCode != http.StatusNotFound {
			t.Errorf("another member's certificate: %d", res.StatusCode)
		}
	})
}

// TestTranscriptFromReport: the report page links the transcript, a PDF of the member's
// counted credits with their totals.
func TestTranscriptFromReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		w.creditRenee(t, st)
		b := w.browser(t)
		b.signIn(w.member)
		if _, body := b.get("/app/report"); !strings.Contains(body, `href="/app/report.pdf"`) {
			t.Fatalf("the report page has no transcript link:\n%s", body)
		}
		res, pdf := b.get("/app/report.pdf")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
			t.Fatalf("the transcript: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if text := strings.Join(strings.Fields(rendertest.Text(t, []byte(pdf))), " "); !strings.Contains(text, "Renée Roy") || !strings.Contains(text, w.event.Title) {
			t.Errorf("the transcript reads:\n%s", text)
		}
	})
}

// TestAuditPacketFromReport: the report page downloads the audit packet, a ZIP of the
// transcript, the certificate and credential of each attendance, and the index, last.
func TestAuditPacketFromReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		w.creditRenee(t, st)
		b := w.browser(t)
		b.signIn(w.member)
		if _, body := b.get("/app/report"); !strings.Contains(body, `href="/app/report/audit-packet.zip"`) {
			t.Fatalf("the report page has no audit packet link:\n%s", body)
		}
		res, body := b.get("/app/report/audit-packet.zip")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("the packet: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
		z, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range z.File {
			names = append(names, f.Name)
		}
		if len(names) != 4 || names[0] != "transcript.pdf" || !strings.HasPrefix(names[1], "certificates/") ||
			!strings.HasPrefix(names[2], "credentials/") || names[3] != "index.csv" {
			t.Errorf("the packet holds %v", names)
		}
	})
}

// TestEventCertificatesFromEventPage: the organizer's event page links every attendee's
// certificate as one PDF; a member cannot have it.
func TestEventCertificatesFromEventPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		w.creditRenee(t, st)
		o := w.browser(t)
		o.signIn(w.organizer)
		link := "/app/events/" + w.event.ID + "/certificates.pdf"
		if _, body := o.get("/app/events/" + w.event.ID); !strings.Contains(body, `href="`+link+`"`) {
			t.Fatalf("the event page has no link to the certificates")
		}
		res, pdf := o.get(link)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(pdf, "%PDF-") {
			t.Fatalf("the certificates: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if text := rendertest.Text(t, []byte(pdf)); !strings.Contains(text, "Renée Roy") {
			t.Errorf("the certificates read:\n%s", text)
		}
		m := w.browser(t)
		m.signIn(w.member)
		if res, _ := m.get(link); res.StatusCode == http.StatusOK {
			t.Errorf("a member had the event's certificates")
		}
	})
}

// creditRenee posts Renée's attendance at every session of the world's event.
func (w *world) creditRenee(t *testing.T, st *store.Store) {
	t.Helper()
	if _, err := ledger.NewRosters(st, nil).Post(t.Context(), ledger.RosterInput{EventID: w.event.ID, Actor: "test", AllSessions: true,
		Viewer: recert.AllOrganizations(), Rows: []recert.RosterRow{{ABCPID: w.renee.ABCPID}}}); err != nil {
		t.Fatal(err)
	}
}
