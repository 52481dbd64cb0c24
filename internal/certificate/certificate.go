// Package certificate lays out the printable certificate of attendance: one page, drawn
// through internal/render, from a Certificate that holds only what the page states. Who may
// have one, and the verification address it carries, are for its callers to decide.
package certificate

import (
	"fmt"
	"time"

	"github.com/recert-dev/recert/internal/render"
)

// Certificate is what one certificate of attendance states.
type Certificate struct {
	AttendeeName string
	EventTitle   string
	Format       string // as people say it: "In person", "Live webinar", ...
	StartDate    time.Time
	EndDate      time.Time
	Sessions     []Session
	// ByCategory is the CEUs per ABCP category, in the order to print ("I", "II", ...).
	ByCategory  []CategoryCEUs
	TotalCEUs   string // two decimals, "4.50"
	ApprovalRef string
	Sponsor     string
	// Contact is the sponsor's signatory or contact, when known.
	Contact string
	// AttendancePolicy says how presence was decided, when check-in decided it.
	AttendancePolicy string
	IssuedOn         time.Time
	// VerifyURL is the public address where the certificate can be checked; the page prints
	// it and its QR code.
	VerifyURL string
}

// Session is one session attended.
type Session struct {
	Title    string
	Date     time.Time
	Category string
	CEUs     string
}

// CategoryCEUs is the CEUs earned in one category.
type CategoryCEUs struct {
	Category string
	CEUs     string
}

// LatinNote is printed under a name that had to be printed in Latin letters (see
// render.Printable): the verification page shows it as recorded.
const LatinNote = "The name is printed in Latin letters; the verification page shows it as recorded."

const (
	margin = 54.0 // points: 3/4 in
	qrSide = 110.0
)

// PDF returns the certificate as a one-page PDF on paper of size.
func PDF(size render.PageSize, c Certificate) ([]byte, error) {
	doc, err := render.NewDocument(size, render.Info{Title: "Certificate of attendance: " + c.EventTitle,
		Author: c.Sponsor, Subject: c.AttendeeName, Created: c.IssuedOn})
	if err != nil {
		return nil, err
	}
	if err := Draw(doc, c); err != nil {
		return nil, err
	}
	return doc.Bytes()
}

// Draw adds the certificate to doc as a page of its own, so that an event's certificates
// print as one document.
func Draw(doc *render.Document, c Certificate) error {
	doc.AddPage()
	w := doc.Width() - 2*margin
	y := margin
	text := func(size float64, bold bool, gray uint8, align render.Align, s string) error {
		h, err := doc.Text(margin, y, w, align, render.Style{Size: size, Bold: bold, Gray: gray}, s)
		y += h
		return err
	}
	steps := []func() error{
		func() error { return text(12, false, 90, render.Center, c.Sponsor) },
		func() error { y += 12; return text(26, true, 0, render.Center, "Certificate of Attendance") },
		func() error { y += 18; return text(11, false, 90, render.Center, "This certifies that") },
		func() error {
			y += 6
			if err := text(22, true, 0, render.Center, c.AttendeeName); err != nil {
				return err
			}
			if _, replaced := render.Printable(c.AttendeeName); replaced {
				return text(8.5, false, 90, render.Center, LatinNote)
			}
			return nil
		},
		func() error { y += 6; return text(11, false, 90, render.Center, "attended") },
		func() error { y += 6; return text(16, true, 0, render.Center, c.EventTitle) },
		func() error {
			return text(11, false, 40, render.Center, joinNonEmpty(" · ", c.Format, dateRange(c.StartDate, c.EndDate)))
		},
		func() error {
			y += 18
			doc.Line(margin, y, margin+w, y, 0.5, 160)
			y += 8
			return text(10, true, 0, render.Left, "Sessions attended")
		},
	}
	for _, s := range c.Sessions {
		steps = append(steps, func() error {
			return text(10, false, 0, render.Left, fmt.Sprintf("%s  %s  (Category %s, %s CEUs)", s.Date.Format("Jan 2, 2006"), s.Title, s.Category, s.CEUs))
		})
	}
	steps = append(steps, func() error {
		y += 10
		line := "Total: " + c.TotalCEUs + " CEUs"
		for _, b := range c.ByCategory {
			line += fmt.Sprintf(" · Category %s: %s CEUs", b.Category, b.CEUs)
		}
		return text(12, true, 0, render.Left, line)
	}, func() error {
		if c.ApprovalRef == "" {
			return nil
		}
		return text(10, false, 0, render.Left, "ABCP approval reference: "+c.ApprovalRef)
	}, func() error {
		if c.AttendancePolicy == "" {
			return nil
		}
		y += 4
		return text(9, false, 60, render.Left, "Attendance: "+c.AttendancePolicy)
	}, func() error {
		y += 10
		sponsor := "Sponsor: " + c.Sponsor
		if c.Contact != "" {
			sponsor += " · " + c.Contact
		}
		if err := text(10, false, 0, render.Left, sponsor); err != nil {
			return err
		}
		return text(10, false, 0, render.Left, "Issued on "+c.IssuedOn.UTC().Format("January 2, 2006"))
	})
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	// The QR code and its address, at the foot of the page.
	top := doc.Height() - margin - qrSide
	if err := doc.QR(c.VerifyURL, margin, top, qrSide); err != nil {
		return err
	}
	textX, textW := margin+qrSide+12, w-qrSide-12
	h, err := doc.Text(textX, top+24, textW, render.Left, render.Style{Size: 10, Bold: true}, "Check this certificate")
	if err != nil {
		return err
	}
	h2, err := doc.Text(textX, top+24+h, textW, render.Left, render.Style{Size: 9, Gray: 40},
		"Scan the code or open the address below to see what this certificate states and whether it is still valid.")
	if err != nil {
		return err
	}
	_, err = doc.Text(textX, top+24+h+h2+4, textW, render.Left, render.Style{Size: 9}, c.VerifyURL)
	return err
}

func dateRange(from, to time.Time) string {
	if from.IsZero() {
		return ""
	}
	if to.IsZero() || to.Equal(from) {
		return from.Format("January 2, 2006")
	}
	return from.Format("January 2, 2006") + " to " + to.Format("January 2, 2006")
}

func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}
