// Package transcript lays out a member's transcript of continuing education for one program
// period, as a PDF drawn through internal/render: every credit with what it counted and
// whether its sponsor verified it, the totals per requirement, and what did not count and
// why. It holds only what the page states; the figures are the filing report's.
package transcript

import (
	"time"

	"github.com/recert-dev/recert/internal/render"
)

// Transcript is what one transcript states.
type Transcript struct {
	MemberName string
	ABCPID     string
	AsOf       time.Time
	Programs   []Program
}

// Program is one program's period.
type Program struct {
	Name       string
	Start, End time.Time
	Status     string // in words: "Complete", "Deficient", ...
	Summary    string
	UnitName   string // CEUs, hours, clinical activities
	Lines      []Line
	Totals     []Total
	NotCounted []NotCounted
	Notes      []string
}

// Line is one credit or clinical entry.
type Line struct {
	Date         time.Time
	Activity     string
	Description  string
	Category     string
	Claimed      string
	Counted      string
	Verification string // "Sponsor-verified", "Self-reported", or "" for clinical entries
}

// Total is one total of a program's period.
type Total struct {
	What                                string
	Required, Claimed, Counted, Remains string
}

// NotCounted is a credit, or part of one, the period does not count.
type NotCounted struct {
	Date        time.Time
	Description string
	Amount      string
	Why         string
}

const margin = 48.0

// page is a document being filled top to bottom, starting a new page when a row does not fit.
type page struct {
	doc *render.Document
	y   float64
}

func (p *page) room(h float64) {
	if p.y+h > p.doc.Height()-margin {
		p.doc.AddPage()
		p.y = margin
	}
}

// row draws cells side by side at the given x offsets and widths and moves below the tallest.
func (p *page) row(st render.Style, xs, ws []float64, cells ...string) error {
	p.room(st.Size * 2.6)
	tallest := 0.0
	for i, c := range cells {
		h, err := p.doc.Text(margin+xs[i], p.y, ws[i], render.Left, st, c)
		if err != nil {
			return err
		}
		tallest = max(tallest, h)
	}
	p.y += tallest + 2
	return nil
}

func (p *page) text(st render.Style, s string) error {
	p.room(st.Size * 2.6)
	h, err := p.doc.Text(margin, p.y, p.doc.Width()-2*margin, render.Left, st, s)
	p.y += h
	return err
}

// PDF returns the transcript on paper of size.
func PDF(size render.PageSize, t Transcript) ([]byte, error) {
	doc, err := render.NewDocument(size, render.Info{Title: "Transcript of continuing education: " + t.MemberName, Subject: t.MemberName, Created: t.AsOf})
	if err != nil {
		return nil, err
	}
	doc.AddPage()
	p := &page{doc: doc, y: margin}
	w := doc.Width() - 2*margin
	head := render.Style{Size: 9, Bold: true}
	body := render.Style{Size: 9}
	who := t.MemberName
	if t.ABCPID != "" {
		who += " · ABCP ID " + t.ABCPID
	}
	if err := p.text(render.Style{Size: 18, Bold: true}, "Transcript of continuing education"); err != nil {
		return nil, err
	}
	if err := p.text(render.Style{Size: 12}, who); err != nil {
		return nil, err
	}
	if err := p.text(render.Style{Size: 9, Gray: 80}, "As of "+t.AsOf.Format("January 2, 2006")+". Issued by Recert."); err != nil {
		return nil, err
	}
	// Columns: date, activity and description, category, claimed, counted, verification.
	xs := []float64{0, 62, w - 228, w - 178, w - 128, w - 80}
	ws := []float64{60, w - 294, 48, 46, 46, 80}
	for _, pr := range t.Programs {
		p.y += 12
		if err := p.text(render.Style{Size: 13, Bold: true}, pr.Name); err != nil {
			return nil, err
		}
		period := pr.Start.Format("January 2, 2006") + " to " + pr.End.Format("January 2, 2006") + " · " + pr.Status
		if err := p.text(body, period); err != nil {
			return nil, err
		}
		if pr.Summary != "" {
			if err := p.text(render.Style{Size: 9, Gray: 60}, pr.Summary); err != nil {
				return nil, err
			}
		}
		p.y += 6
		if err := p.row(head, xs, ws, "Date", "Activity", "Category", "Claimed", "Counted", "Verification"); err != nil {
			return nil, err
		}
		for _, l := range pr.Lines {
			what := l.Activity
			if l.Description != "" {
				what += ": " + l.Description
			}
			if err := p.row(body, xs, ws, l.Date.Format("Jan 2, 2006"), what, l.Category, l.Claimed, l.Counted, l.Verification); err != nil {
				return nil, err
			}
		}
		if len(pr.Lines) == 0 {
			if err := p.text(body, "Nothing recorded in this period."); err != nil {
				return nil, err
			}
		}
		p.y += 6
		txs := []float64{0, w - 240, w - 170, w - 100}
		tws := []float64{w - 250, 66, 66, 96}
		if err := p.row(head, txs, tws, "Totals ("+pr.UnitName+")", "Required", "Counted", "Remaining"); err != nil {
			return nil, err
		}
		for _, tot := range pr.Totals {
			if err := p.row(body, txs, tws, tot.What, tot.Required, tot.Counted, tot.Remains); err != nil {
				return nil, err
			}
		}
		if len(pr.NotCounted) > 0 {
			p.y += 6
			nxs := []float64{0, 62, w - 260, w - 200}
			nws := []float64{60, w - 326, 56, 200}
			if err := p.row(head, nxs, nws, "Date", "Did not count", "Amount", "Why"); err != nil {
				return nil, err
			}
			for _, n := range pr.NotCounted {
				if err := p.row(body, nxs, nws, n.Date.Format("Jan 2, 2006"), n.Description, n.Amount, n.Why); err != nil {
					return nil, err
				}
			}
		}
		for _, note := range pr.Notes {
			if err := p.text(render.Style{Size: 8.5, Gray: 60}, note); err != nil {
				return nil, err
			}
		}
	}
	return doc.Bytes()
}
