package certificate

import (
	"time"

	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render"
)

// Badge is one registrant's badge: their name and the link their check-in code opens.
type Badge struct {
	Name, Link string
}

// Badge sheet layout: two columns of four badges a page, each with the name above a QR code
// large enough for a phone's camera at arm's length.
const (
	badgeCols, badgeRows = 2, 4
	badgeMargin          = 36.0
	badgeQR              = 110.0
)

// BadgesPDF draws the event's badge sheet: one badge per registrant, in the order given.
func BadgesPDF(e recert.Event, badges []Badge, paper render.PageSize, now time.Time) ([]byte, error) {
	d, err := render.NewDocument(paper, render.Info{Title: "Badges: " + e.Title, Author: "Recert", Subject: e.Title, Created: now})
	if err != nil {
		return nil, err
	}
	w := (d.Width() - 2*badgeMargin) / badgeCols
	h := (d.Height() - 2*badgeMargin) / badgeRows
	for i, b := range badges {
		slot := i % (badgeCols * badgeRows)
		if slot == 0 {
			d.AddPage()
		}
		x := badgeMargin + float64(slot%badgeCols)*w
		y := badgeMargin + float64(slot/badgeCols)*h
		d.Line(x, y, x+w, y, 0.5, 200)
		if _, err := d.Text(x+8, y+14, w-16, render.Center, render.Style{Size: 16, Bold: true}, b.Name); err != nil {
			return nil, err
		}
		if _, err := d.Text(x+8, y+38, w-16, render.Center, render.Style{Size: 9, Gray: 90}, e.Title); err != nil {
			return nil, err
		}
		if err := d.QR(b.Link, x+(w-badgeQR)/2, y+56, badgeQR); err != nil {
			return nil, err
		}
	}
	return d.Bytes()
}
