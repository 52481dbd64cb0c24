package certificate_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/certificate"
	"github.com/recert-dev/recert/internal/render"
	"github.com/recert-dev/recert/internal/render/rendertest"
)

func sample(name string) certificate.Certificate {
	day := time.Date(2026, 4, 17, 0, 0, 0, 0, time.UTC)
	return certificate.Certificate{
		AttendeeName: name, EventTitle: "WPS Spring Meeting", Format: "In person",
		StartDate: day, EndDate: day.AddDate(0, 0, 1),
		Sessions: []certificate.Session{
			{Title: "ECMO update", Date: day, Category: "I", CEUs: "3.00"},
			{Title: "Ethics", Date: day.AddDate(0, 0, 1), Category: "I", CEUs: "1.50"},
		},
		ByCategory: []certificate.CategoryCEUs{{Category: "I", CEUs: "4.50"}},
		TotalCEUs:  "4.50", ApprovalRef: "ABCP-2026-0417", Sponsor: "Wisconsin Perfusion Society",
		Contact: "Casey Coordinator, CE chair", IssuedOn: day.AddDate(0, 0, 2),
		VerifyURL: "https://recert.example.org/verify/crd_abcdefghijklmnopqrstuvwx",
	}
}

func TestCertificatePDF(t *testing.T) {
	for _, size := range []render.PageSize{render.Letter, render.A4} {
		pdf, err := certificate.PDF(size, sample("Renée Roy"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("starts %q", pdf[:8])
		}
		if n := len(regexp.MustCompile(`/Type\s*/Page\b`).FindAll(pdf, -1)); n != 1 {
			t.Errorf("%d pages, want 1", n)
		}
		text := strings.Join(strings.Fields(rendertest.Text(t, pdf)), " ")
		for _, want := range []string{"Certificate of Attendance", "Renée Roy", "WPS Spring Meeting", "April 17, 2026 to April 18, 2026",
			"ECMO update", "3.00 CEUs", "Total: 4.50 CEUs", "Category I: 4.50 CEUs", "ABCP approval reference: ABCP-2026-0417",
			"Sponsor: Wisconsin Perfusion Society · Casey Coordinator, CE chair", "Issued on April 19, 2026",
			"https://recert.example.org/verify/crd_abcdefghijklmnopqrstuvwx"} {
			if !strings.Contains(text, want) {
				t.Errorf("the certificate lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "Latin letters") {
			t.Error("a Latin name carries the note about Latin letters")
		}
		if codes := rendertest.QRCodes(t, pdf); len(codes) != 1 || codes[0] != sample("").VerifyURL {
			t.Errorf("QR codes %q, want the verification address", codes)
		}
	}
}

// A name in a script the fonts lack prints in Latin letters, with a note saying so.
func TestCertificateNameFallback(t *testing.T) {
	pdf, err := certificate.PDF(render.Letter, sample("王小明"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(rendertest.Text(t, pdf)), " ")
	for _, want := range []string{"Wang Xiao Ming", certificate.LatinNote} {
		if !strings.Contains(text, want) {
			t.Errorf("the certificate lacks %q:\n%s", want, text)
		}
	}
}

// An event's certificates print as one document, a page each.
func TestCertificatesOneDocument(t *testing.T) {
	doc, err := render.NewDocument(render.Letter, render.Info{Title: "WPS Spring Meeting"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Pat Lee", "Renée Roy", "Ольга Петрова"} {
		if err := certificate.Draw(doc, sample(name)); err != nil {
			t.Fatal(err)
		}
	}
	pdf, err := doc.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if doc.Pages() != 3 {
		t.Errorf("%d pages, want 3", doc.Pages())
	}
	text := rendertest.Text(t, pdf)
	if pages := strings.Count(text, "\f"); pages != 3 {
		t.Errorf("pdftotext read %d pages, want 3", pages)
	}
}
