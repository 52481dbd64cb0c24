// Package rendertest reads back what internal/render draws, for tests: the text of a PDF
// (Debian's pdftotext) and the QR codes it holds (its images, extracted with pdfimages and
// decoded with gozxing). Both tools are poppler-utils; a test that needs them is skipped
// when they are missing, except in CI (CI=true), where it fails.
package rendertest

import (
	"bytes"
	"image"
	_ "image/png" // pdfimages -png writes PNG
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// need returns the path of tool, skipping the test when it is missing outside CI.
func need(t testing.TB, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI (apt-get install poppler-utils): %v", tool, err)
	}
	t.Skipf("%s is not installed (apt-get install poppler-utils)", tool)
	return ""
}

// Text returns the text of pdf, page after page, in reading order (pdftotext -layout).
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	tool := need(t, "pdftotext")
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(tool, "-layout", "-enc", "UTF-8", in, "-")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.String())
	}
	return string(out)
}

// QRCodes returns the content of every QR code among the images of pdf, in the order the
// images appear.
func QRCodes(t testing.TB, pdf []byte) []string {
	t.Helper()
	tool := need(t, "pdfimages")
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(tool, "-png", in, filepath.Join(dir, "img"))
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdfimages: %v: %s", err, stderr.String())
	}
	files, err := filepath.Glob(filepath.Join(dir, "img-*.png"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var codes []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		if text, ok := DecodeQR(img); ok {
			codes = append(codes, text)
		} else {
			t.Logf("%s: no QR code read from this %v image", filepath.Base(f), img.Bounds().Size())
		}
	}
	return codes
}

// DecodeQR returns the content of the QR code in img, and false when it holds none.
func DecodeQR(img image.Image) (string, bool) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", false
	}
	// The images are QR codes as drawn, with their quiet zone: read as pure barcodes first,
	// which does not depend on finding the patterns in a photograph, then the hard way.
	for _, hints := range []map[gozxing.DecodeHintType]interface{}{
		{gozxing.DecodeHintType_PURE_BARCODE: true},
		{gozxing.DecodeHintType_TRY_HARDER: true},
	} {
		if res, err := qrcode.NewQRCodeReader().Decode(bmp, hints); err == nil {
			return res.GetText(), true
		}
	}
	return "", false
}
