package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

//go:embed templates
var templates embed.FS

// Each kind's templates are parsed apart: every one defines the same block names.
func parse(kind string) (*texttemplate.Template, *htmltemplate.Template, error) {
	t, err := texttemplate.ParseFS(templates, "templates/"+kind+".txt")
	if err != nil {
		return nil, nil, fmt.Errorf("no templates for %q: %w", kind, err)
	}
	h, err := htmltemplate.ParseFS(templates, "templates/"+kind+".html")
	if err != nil {
		return nil, nil, fmt.Errorf("no templates for %q: %w", kind, err)
	}
	return t, h, nil
}

// Data is what a message's templates may say.
type Data struct {
	Name     string // the recipient's
	Member   string // the member it is about
	Event    string
	Activity string
	CEUs     string
	Decision string
	Reason   string
	Link     string
	// Address is an e-mail address the message is about: the new one to confirm.
	Address string
	// Claim: Link is a claim link, for a member without a login.
	Claim bool
	// CheckInCode: the member's check-in code is attached as a QR code.
	CheckInCode bool
	// RevokedOn is the day of a revocation a change reversed ("2 October 2026").
	RevokedOn string
	// Place is where an event is held, when it says.
	Place string
	// Webhook is the id of a subscription an organizer is told of.
	Webhook string
	// Preferences is the page where a person turns these messages off.
	Preferences string
	// Deadline reminders.
	Program   string
	Date      string
	Days      int
	Remaining string
	Unit      string
	Report    bool // the report comes due, rather than the period ends
}

// Render fills the templates of a kind of message (a ledger.Notice type, such as
// attendance.revoked) with d: its subject, plain text and HTML.
func Render(kind string, d Data) (subject, text, html string, err error) {
	t, h, err := parse(kind)
	if err != nil {
		return "", "", "", err
	}
	var s, b, hb bytes.Buffer
	if err := t.ExecuteTemplate(&s, "subject", d); err != nil {
		return "", "", "", err
	}
	if err := t.ExecuteTemplate(&b, "text", d); err != nil {
		return "", "", "", err
	}
	if err := h.ExecuteTemplate(&hb, "html", d); err != nil {
		return "", "", "", err
	}
	// A subject is one line whatever the data holds.
	return strings.Join(strings.Fields(s.String()), " "), b.String(), hb.String(), nil
}
