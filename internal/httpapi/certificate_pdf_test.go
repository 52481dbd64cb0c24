package httpapi_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render/rendertest"
	"github.com/recert-dev/recert/internal/store"
)

var verifyAddress = regexp.MustCompile(`^http://localhost:8080/verify/crd_[a-z2-7]{24}$`)

// TestCertificatePDF checks the printable certificate states the attendance, carries the
// QR code of its credential's verification address, keeps that credential while the
// attendance is unchanged, gets a new one after a correction, and is refused once the
// attendance is revoked.
func TestCertificatePDF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		id := w.attendance.ID
		get := func(paper *api.GetCertificatePDFParamsPaper) ([]byte, string) {
			t.Helper()
			res, err := w.env.Client.GetCertificatePDFWithResponse(ctx, id, &api.GetCertificatePDFParams{Paper: paper}, w.as("member"))
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode() != 200 || res.HTTPResponse.Header.Get("Content-Type") != "application/pdf" ||
				!bytes.HasPrefix(res.Body, []byte("%PDF-")) {
				t.Fatalf("certificate.pdf: %d %s %.40q", res.StatusCode(), res.HTTPResponse.Header.Get("Content-Type"), res.Body)
			}
			if got := res.HTTPResponse.Header.Get("Content-Disposition"); got != `inline; filename="certificate-`+id+`.pdf"` {
				t.Errorf("Content-Disposition %q", got)
			}
			codes := rendertest.QRCodes(t, res.Body)
			if len(codes) != 1 || !verifyAddress.MatchString(codes[0]) {
				t.Fatalf("QR codes %q, want one verification address", codes)
			}
			return res.Body, codes[0]
		}

		pdf, verify := get(nil)
		text := strings.Join(strings.Fields(rendertest.Text(t, pdf)), " ")
		for _, want := range []string{w.member.Name, w.event.Title, "Wisconsin Perfusion Society", "Total: " + w.attendance.Total().String() + " CEUs",
			"ABCP approval reference: " + w.event.ApprovalRef, verify} {
			if !strings.Contains(text, want) {
				t.Errorf("the certificate lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, w.member.ABCPID) {
			t.Error("the certificate prints the ABCP ID")
		}
		if _, again := get(ptr(api.GetCertificatePDFParamsPaperA4)); again != verify {
			t.Errorf("asked again, the verification address changed: %s, then %s", verify, again)
		}

		fixed, _ := w.env.Client.CorrectAttendanceWithResponse(ctx, id, api.AttendanceCorrection{
			Sessions: []string{w.event.Sessions[0].ID}, Reason: "left at the break"}, w.as("organizer A"))
		if fixed.JSON200 == nil {
			t.Fatalf("correct: %s", fixed.Body)
		}
		pdf, corrected := get(nil)
		if corrected == verify {
			t.Error("a corrected attendance kept its credential")
		}
		if text := strings.Join(strings.Fields(rendertest.Text(t, pdf)), " "); !strings.Contains(text, "Total: "+fixed.JSON200.Ceus+" CEUs") {
			t.Errorf("the corrected certificate does not state %s CEUs:\n%s", fixed.JSON200.Ceus, text)
		}
		old, err := st.Credential(ctx, strings.TrimPrefix(verify, "http://localhost:8080/verify/"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := st.Attendance(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if old.Status(a) != recert.CredentialSuperseded {
			t.Errorf("the first credential is %s after the correction, want superseded", old.Status(a))
		}

		revoked, _ := w.env.Client.RevokeAttendanceWithResponse(ctx, id, &api.RevokeAttendanceParams{Reason: "not present"}, w.as("organizer A"))
		if revoked.StatusCode() != 200 {
			t.Fatalf("revoke: %d %s", revoked.StatusCode(), revoked.Body)
		}
		res, err := w.env.Client.GetCertificatePDFWithResponse(ctx, id, nil, w.as("member"))
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode() != 409 || res.ApplicationProblemJSON409 == nil {
			t.Errorf("a revoked attendance's certificate: %d %s, want a 409 problem", res.StatusCode(), res.Body)
		}
	})
}

// TestEventCertificatesPDF checks an organizer gets every current attendance's certificate
// in one PDF, a page each in the order of names, each with its own verification address,
// and that revoked attendance has none.
func TestEventCertificatesPDF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		w.freshAttendance(t) // Walk In
		gone := w.freshAttendance(t)
		if r, _ := w.env.Client.RevokeAttendanceWithResponse(ctx, gone.ID, &api.RevokeAttendanceParams{Reason: "not present"}, w.as("organizer A")); r.StatusCode() != 200 {
			t.Fatalf("revoke: %d %s", r.StatusCode(), r.Body)
		}
		res, err := w.env.Client.GetEventCertificatesPDFWithResponse(ctx, w.event.ID, nil, w.as("organizer A"))
		if err != nil || res.StatusCode() != 200 || !bytes.HasPrefix(res.Body, []byte("%PDF-")) {
			t.Fatalf("certificates.pdf: %v %d %.60q", err, res.StatusCode(), res.Body)
		}
		text := rendertest.Text(t, res.Body)
		pages := strings.Split(strings.TrimSuffix(text, "\f"), "\f")
		if len(pages) != 2 {
			t.Fatalf("%d pages, want one per current attendance (2):\n%s", len(pages), text)
		}
		if !strings.Contains(pages[0], w.member.Name) || !strings.Contains(pages[1], "Walk In") {
			t.Errorf("pages not in the order of names:\n%s", text)
		}
		codes := rendertest.QRCodes(t, res.Body)
		single, _ := w.env.Client.GetCertificatePDFWithResponse(ctx, w.attendance.ID, nil, w.as("member"))
		own := rendertest.QRCodes(t, single.Body)
		if len(codes) != 2 || codes[0] == codes[1] || len(own) != 1 || codes[0] != own[0] {
			t.Errorf("QR codes %q, the member's own certificate %q: want one address each, the same as the member's", codes, own)
		}

		empty := w.publishedEvent(t)
		res, err = w.env.Client.GetEventCertificatesPDFWithResponse(ctx, empty.ID, nil, w.as("organizer A"))
		if err != nil || res.StatusCode() != 409 {
			t.Errorf("an event without attendance: %v %d, want 409", err, res.StatusCode())
		}
	})
}
