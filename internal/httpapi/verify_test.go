package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/render/rendertest"
	"github.com/recert-dev/recert/internal/store"
)

// credentialID is the id of the world's attendance's current credential, issued by asking
// for it.
func (w *world) credentialID(t *testing.T) string {
	t.Helper()
	res, err := w.env.Client.GetCredentialWithResponse(t.Context(), w.attendance.ID, nil, w.as("admin"))
	if err != nil || res.StatusCode() != 200 {
		t.Fatalf("credential: %v %s", err, res.Body)
	}
	a, err := w.env.Store.Attendance(t.Context(), w.attendance.ID)
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.env.Store.CredentialFor(t.Context(), a.ID, a.Version)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// TestVerification follows a certificate's QR code to its public page: the page states what
// the certificate states and nothing more about the member, answers JSON for machines, and
// says superseded after a correction (naming the certificate issued since) and revoked after
// a revocation, while still showing the certificate as it was issued.
func TestVerification(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		qr := func() string {
			t.Helper()
			res, err := w.env.Client.GetCertificatePDFWithResponse(ctx, w.attendance.ID, nil, w.as("member"))
			if err != nil || res.StatusCode() != 200 {
				t.Fatalf("certificate.pdf: %v %s", err, res.Body)
			}
			codes := rendertest.QRCodes(t, res.Body)
			if len(codes) != 1 || !strings.HasPrefix(codes[0], "http://localhost:8080/verify/") {
				t.Fatalf("QR codes %q", codes)
			}
			return codes[0]
		}
		page := func(address string) (string, http.Header) {
			t.Helper()
			res, err := w.env.HTTP.Get(w.env.URL + strings.TrimPrefix(address, "http://localhost:8080"))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("GET %s = %d %s: %s", address, res.StatusCode, res.Header.Get("Content-Type"), body)
			}
			return string(body), res.Header
		}
		machine := func(address string) *api.Verification {
			t.Helper()
			id := address[strings.LastIndex(address, "/")+1:]
			res, err := w.env.Client.GetVerificationWithResponse(ctx, id, nil, func(_ context.Context, r *http.Request) error {
				r.Header.Set("Accept", "application/json")
				return nil
			})
			if err != nil || res.JSON200 == nil {
				t.Fatalf("verification JSON: %v %d %s", err, res.StatusCode(), res.Body)
			}
			return res.JSON200
		}

		first := qr()
		body, h := page(first)
		if h.Get("X-Robots-Tag") != "noindex" || h.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(body, `<meta name="robots" content="noindex">`) {
			t.Errorf("the page may be indexed or leak its address: X-Robots-Tag %q, Referrer-Policy %q", h.Get("X-Robots-Tag"), h.Get("Referrer-Policy"))
		}
		if csp := h.Get("Content-Security-Policy"); strings.Contains(csp, "script-src") || !strings.Contains(csp, "style-src 'self'") {
			t.Errorf("the page's policy %q: want the pages' style sheet and no script", csp)
		}
		for _, want := range []string{"Valid.", w.member.Name, w.event.Title, "Wisconsin Perfusion Society", w.event.ApprovalRef, w.attendance.Total().String()} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if strings.Contains(body, w.member.ABCPID) {
			t.Error("the page shows the ABCP ID")
		}
		v := machine(first)
		credential, err := w.env.Client.GetCredentialWithResponse(ctx, w.attendance.ID, nil, w.as("member"))
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != api.VerificationStatusValid || v.AttendeeName != w.member.Name || v.VcJwt != string(credential.Body) || v.TotalCeus != w.attendance.Total().String() {
			t.Errorf("verification %+v, want valid, the member's name and the credential", v)
		}

		// A correction supersedes the certificate; the page still shows it as issued.
		fixed, _ := w.env.Client.CorrectAttendanceWithResponse(ctx, w.attendance.ID, api.AttendanceCorrection{
			Sessions: []string{w.event.Sessions[0].ID}, Reason: "left at the break"}, w.as("organizer A"))
		if fixed.JSON200 == nil {
			t.Fatalf("correct: %s", fixed.Body)
		}
		if v := machine(first); v.Status != api.VerificationStatusSuperseded || v.SupersededBy != nil || v.TotalCeus != w.attendance.Total().String() {
			t.Errorf("after a correction: %s, superseded by %v, %s CEUs; want superseded, by none yet, as issued", v.Status, v.SupersededBy, v.TotalCeus)
		}
		second := qr()
		if v := machine(first); v.SupersededBy == nil || *v.SupersededBy != second {
			t.Errorf("superseded by %v, want %s", v.SupersededBy, second)
		}
		if body, _ := page(first); !strings.Contains(body, "Superseded.") || !strings.Contains(body, `href="`+second+`"`) {
			t.Error("the superseded page does not say so or does not link the certificate issued since")
		}

		// A revocation revokes the current certificate.
		if r, _ := w.env.Client.RevokeAttendanceWithResponse(ctx, w.attendance.ID, &api.RevokeAttendanceParams{Reason: "not present"}, w.as("organizer A")); r.StatusCode() != 200 {
			t.Fatalf("revoke: %d %s", r.StatusCode(), r.Body)
		}
		if v := machine(second); v.Status != api.VerificationStatusRevoked || v.RevokedAt == nil {
			t.Errorf("after a revocation: %s revoked at %v, want revoked with when", v.Status, v.RevokedAt)
		}
		if body, _ := page(second); !strings.Contains(body, "Revoked.") {
			t.Error("the revoked page does not say so")
		}
		if v := machine(first); v.Status != api.VerificationStatusRevoked {
			t.Errorf("the first certificate is %s after the revocation, want revoked", v.Status)
		}

		// Unknown and malformed addresses.
		for id, want := range map[string]int{"crd_aaaaaaaaaaaaaaaaaaaaaaaa": 404, "crd_nope": 400} {
			res, err := w.env.Client.GetVerificationWithResponse(ctx, id, nil)
			if err != nil || res.StatusCode() != want {
				t.Errorf("GET /verify/%s = %v %d, want %d", id, err, res.StatusCode(), want)
			}
		}
	})
}

// TestCredentialPage checks the member takes a certificate's page down and puts it back up,
// that nobody else but an administrator may, and that the credential itself is unaffected.
func TestCredentialPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		id := w.credentialID(t)
		set := func(as string, public bool) *api.SetCredentialPageResponse {
			t.Helper()
			res, err := w.env.Client.SetCredentialPageWithResponse(ctx, id, api.CredentialPageInput{Public: public}, w.as(as))
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		verify := func() int {
			t.Helper()
			res, err := w.env.Client.GetVerificationWithResponse(ctx, id, nil)
			if err != nil {
				t.Fatal(err)
			}
			return res.StatusCode()
		}

		for as, want := range map[string]int{"organizer A": 403, "other member": 404, "organizer B": 404} {
			if res := set(as, false); res.StatusCode() != want {
				t.Errorf("%s takes the page down: %d, want %d", as, res.StatusCode(), want)
			}
		}
		if verify() != 200 {
			t.Fatal("the page is down after refused requests")
		}
		down := set("member", false)
		if down.JSON200 == nil || down.JSON200.Public || down.JSON200.WithdrawnAt == nil || down.JSON200.URL != "http://localhost:8080/verify/"+id {
			t.Fatalf("take down: %d %s", down.StatusCode(), down.Body)
		}
		if got := verify(); got != 404 {
			t.Errorf("the page taken down answers %d, want 404", got)
		}
		if res, _ := w.env.Client.GetCredentialWithResponse(ctx, w.attendance.ID, nil, w.as("member")); res.StatusCode() != 200 {
			t.Errorf("the credential with its page down: %d, want 200", res.StatusCode())
		}
		if up := set("admin", true); up.JSON200 == nil || !up.JSON200.Public || up.JSON200.WithdrawnAt != nil {
			t.Fatalf("put back up: %d %s", up.StatusCode(), up.Body)
		}
		if got := verify(); got != 200 {
			t.Errorf("the page put back up answers %d, want 200", got)
		}
	})
}

// TestVerificationOffersNoLinkedIn: adding a certificate to LinkedIn is the member's, from
// their own view of it; the public verification page anyone can open does not offer it.
func TestVerificationOffersNoLinkedIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		id := w.credentialID(t)
		res, body := browse(t, w, "/verify/"+id)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, id) {
			t.Fatalf("verification page: %d %s", res.StatusCode, body)
		}
		if strings.Contains(strings.ToLower(body), "linkedin") {
			t.Errorf("the public verification page offers LinkedIn:\n%s", body)
		}
	})
}
