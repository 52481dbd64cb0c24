package render

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"time"

	"github.com/signintech/gopdf"
)

// PageSize is the paper a Document is laid out on.
type PageSize int

const (
	// A4 is 210 × 297 mm, the paper outside North America.
	A4 PageSize = iota
	// Letter is 8.5 × 11 in, the paper in the United States and Canada.
	Letter
)

// Align is the horizontal alignment of text in its box.
type Align int

const (
	// Left aligns text to the left edge of its box.
	Left Align = iota
	// Center centres text in its box.
	Center
	// Right aligns text to the right edge of its box.
	Right
)

// Style is how text is set: size in points, bold or regular, and a grey level (0 black,
// 255 white).
type Style struct {
	Size float64
	Bold bool
	Gray uint8
}

// Info is the document's metadata, shown by PDF readers in the document's properties.
type Info struct {
	Title   string
	Author  string
	Subject string
	// Created is the creation date written in the file; the same content and Created give
	// the same bytes.
	Created time.Time
}

// Document is a PDF being drawn, page by page, in points (1/72 in) from the top-left
// corner. Every text goes through Printable; Replaced says whether any needed it. A
// Document is not safe for concurrent use.
type Document struct {
	pdf      *gopdf.GoPdf
	page     gopdf.Rect
	replaced bool
	pages    int
}

// lineHeight is the distance between lines, as a multiple of the font size.
const lineHeight = 1.3

// NewDocument starts an empty document on paper of size.
func NewDocument(size PageSize, info Info) (*Document, error) {
	page := *gopdf.PageSizeA4
	if size == Letter {
		page = *gopdf.PageSizeLetter
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: page, Unit: gopdf.UnitPT})
	for family, data := range fontData() {
		if err := pdf.AddTTFFontData(family, data); err != nil {
			return nil, fmt.Errorf("render: embed font %s: %w", family, err)
		}
	}
	title, _ := Printable(info.Title)
	author, _ := Printable(info.Author)
	subject, _ := Printable(info.Subject)
	pdf.SetInfo(gopdf.PdfInfo{Title: title, Author: author, Subject: subject, Creator: "Recert", Producer: "Recert", CreationDate: info.Created.UTC()})
	return &Document{pdf: pdf, page: page}, nil
}

// AddPage starts a new page; drawing goes to it.
func (d *Document) AddPage() {
	d.pdf.AddPage()
	d.pages++
}

// Pages returns how many pages the document has.
func (d *Document) Pages() int { return d.pages }

// Width returns the page width in points.
func (d *Document) Width() float64 { return d.page.W }

// Height returns the page height in points.
func (d *Document) Height() float64 { return d.page.H }

// Replaced reports whether any text drawn so far had characters the fonts lack.
func (d *Document) Replaced() bool { return d.replaced }

// Text draws s in a box of width w whose top-left corner is (x, y), wrapped at word
// boundaries, and returns the height it took. Characters the fonts lack print through
// Printable's fallback.
func (d *Document) Text(x, y, w float64, align Align, st Style, s string) (float64, error) {
	if d.pages == 0 {
		return 0, errors.New("render: draw on a page: call AddPage first")
	}
	text, replaced := Printable(s)
	d.replaced = d.replaced || replaced
	if text == "" {
		return 0, nil
	}
	family := familyRegular
	if st.Bold {
		family = familyBold
	}
	size := st.Size
	if size <= 0 {
		size = 11
	}
	if err := d.pdf.SetFont(family, "", size); err != nil {
		return 0, fmt.Errorf("render: set font: %w", err)
	}
	d.pdf.SetTextColor(st.Gray, st.Gray, st.Gray)
	lines, err := d.pdf.SplitTextWithWordWrap(text, w)
	if err != nil {
		return 0, fmt.Errorf("render: wrap text: %w", err)
	}
	opt := gopdf.CellOption{Align: gopdf.Left | gopdf.Top}
	switch align {
	case Center:
		opt.Align = gopdf.Center | gopdf.Top
	case Right:
		opt.Align = gopdf.Right | gopdf.Top
	}
	step := size * lineHeight
	for i, line := range lines {
		d.pdf.SetXY(x, y+float64(i)*step)
		if err := d.pdf.CellWithOption(&gopdf.Rect{W: w, H: step}, line, opt); err != nil {
			return 0, fmt.Errorf("render: draw text: %w", err)
		}
	}
	return float64(len(lines)) * step, nil
}

// Line draws a straight line of the given width and grey level.
func (d *Document) Line(x1, y1, x2, y2, width float64, gray uint8) {
	d.pdf.SetLineWidth(width)
	d.pdf.SetStrokeColor(gray, gray, gray)
	d.pdf.Line(x1, y1, x2, y2)
}

// Image draws img in the box (x, y, w, h).
func (d *Document) Image(img image.Image, x, y, w, h float64) error {
	if d.pages == 0 {
		return errors.New("render: draw on a page: call AddPage first")
	}
	if err := d.pdf.ImageFrom(img, x, y, &gopdf.Rect{W: w, H: h}); err != nil {
		return fmt.Errorf("render: draw image: %w", err)
	}
	return nil
}

// QR draws a QR code of content, quiet zone included, in the square (x, y, side).
func (d *Document) QR(content string, x, y, side float64) error {
	img, err := QR(content, 8)
	if err != nil {
		return err
	}
	return d.Image(img, x, y, side, side)
}

// WriteTo writes the finished PDF to w.
func (d *Document) WriteTo(w io.Writer) (int64, error) {
	if d.pages == 0 {
		return 0, errors.New("render: a PDF needs at least one page")
	}
	var buf bytes.Buffer
	if err := d.pdf.Write(&buf); err != nil {
		return 0, fmt.Errorf("render: write PDF: %w", err)
	}
	return buf.WriteTo(w)
}

// Bytes returns the finished PDF.
func (d *Document) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
