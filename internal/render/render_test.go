package render_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/render"
	"github.com/recert-dev/recert/internal/render/rendertest"
)

func TestPrintable(t *testing.T) {
	tests := []struct {
		name, in, want string
		replaced       bool
	}{
		{"latin", "Pat Lee", "Pat Lee", false},
		{"latin accents", "Zoë Ñúñez-Gómez", "Zoë Ñúñez-Gómez", false},
		{"greek", "Ελένη Παπαδοπούλου", "Ελένη Παπαδοπούλου", false},
		{"cyrillic", "Ольга Петрова", "Ольга Петрова", false},
		{"vietnamese stacked marks", "Nguyễn Thị Ngọc", "Nguyen Thi Ngoc", true},
		{"chinese", "王小明", "Wang Xiao Ming", true},
		{"japanese kana", "さくら", "Sa Ku Ra", true},
		{"korean", "김민준", "Gim Min Jun", true},
		{"arabic", "محمد علي", "mHmd `ly", true},
		{"hebrew", "דוד", "dvd", true},
		{"devanagari", "अनिल", "anil", true},
		{"mixed", "Ana 李", "Ana Li", true},
		{"controls and bidi marks", "Pat\u200f\tLee\u0007", "Pat Lee", false},
		{"spaces collapse", "  Pat   Lee ", "Pat Lee", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, replaced := render.Printable(tt.in)
			if got != tt.want || replaced != tt.replaced {
				t.Errorf("Printable(%q) = %q, %v; want %q, %v", tt.in, got, replaced, tt.want, tt.replaced)
			}
		})
	}
}

func TestPrintableNeverEmptyForAName(t *testing.T) {
	// Whatever the script, a name prints as something legible, never as nothing.
	for _, name := range []string{"王", "ㄅ", "ሰላም", "ᏣᎳᎩ", "ꦧꦱ", "😀"} {
		if got, _ := render.Printable(name); got == "" {
			t.Errorf("Printable(%q) is empty", name)
		}
	}
}

func TestQRDecodes(t *testing.T) {
	const url = "https://recert.example.org/verify/crd_ABCDEFGHIJKLMNOPQRSTUVWX"
	data, err := render.QRPNG(url, 4)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	got, ok := rendertest.DecodeQR(img)
	if !ok || got != url {
		t.Fatalf("decoded %q (%v), want %q", got, ok, url)
	}
	if _, err := render.QR("", 4); err == nil {
		t.Error("a QR code of nothing was made")
	}
}

func TestDocument(t *testing.T) {
	const url = "https://recert.example.org/verify/crd_ABCDEFGHIJKLMNOPQRSTUVWX"
	for _, size := range []render.PageSize{render.A4, render.Letter} {
		doc, err := render.NewDocument(size, render.Info{Title: "Certificate", Created: time.Date(2026, 4, 18, 12, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		doc.AddPage()
		if _, err := doc.Text(72, 72, doc.Width()-144, render.Center, render.Style{Size: 24, Bold: true}, "Certificate of attendance"); err != nil {
			t.Fatal(err)
		}
		if _, err := doc.Text(72, 120, doc.Width()-144, render.Left, render.Style{Size: 12}, "Ольга Петрова and 王小明 attended"); err != nil {
			t.Fatal(err)
		}
		if !doc.Replaced() {
			t.Error("Replaced is false after a name in a script the font lacks")
		}
		h, err := doc.Text(72, 160, 100, render.Left, render.Style{Size: 10}, "a line long enough to wrap over several lines in a narrow box")
		if err != nil || h <= 10*1.3 {
			t.Errorf("wrapped text took %v points (%v), want several lines", h, err)
		}
		if err := doc.QR(url, 72, 300, 120); err != nil {
			t.Fatal(err)
		}
		pdf, err := doc.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("the document starts %q", pdf[:min(len(pdf), 8)])
		}
		text := rendertest.Text(t, pdf)
		for _, want := range []string{"Certificate of attendance", "Ольга Петрова", "Wang Xiao Ming attended"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF text lacks %q:\n%s", want, text)
			}
		}
		if codes := rendertest.QRCodes(t, pdf); len(codes) != 1 || codes[0] != url {
			t.Errorf("QR codes in the PDF: %q, want [%q]", codes, url)
		}
	}
}

func TestDocumentNeedsAPage(t *testing.T) {
	doc, err := render.NewDocument(render.A4, render.Info{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := doc.Text(0, 0, 100, render.Left, render.Style{}, "x"); err == nil {
		t.Error("text drawn before any page")
	}
	if _, err := doc.Bytes(); err == nil {
		t.Error("a PDF of no pages was written")
	}
}
