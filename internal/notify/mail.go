// Package notify tells people what changed: it renders Recert's e-mails from plain-text and
// HTML templates and sends them over SMTP, or, with no mail server configured, writes each
// one as an .eml file in an outbox folder so a default install shows what it would send.
package notify

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
)

// Message is one e-mail, ready to send.
type Message struct {
	// ID is the Message-ID, without angle brackets; a repeat of the same message carries the
	// same one, so a mail client can drop the duplicate.
	ID      string
	To      []string
	Subject string
	Text    string
	HTML    string
	// Attachments are files sent with the message (a certificate's PDF).
	Attachments []Attachment
}

// Attachment is a file sent with a message.
type Attachment struct {
	Name, ContentType string
	Data              []byte
}

// Mailer sends messages.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

func build(from string, m Message) (*mail.Msg, error) {
	msg := mail.NewMsg()
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("from %q: %w", from, err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	msg.SetMessageIDWithValue(m.ID)
	msg.SetDate()
	msg.Subject(m.Subject)
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), mail.WithFileContentType(mail.ContentType(a.ContentType))); err != nil {
			return nil, fmt.Errorf("attach %s: %w", a.Name, err)
		}
	}
	return msg, nil
}

// SMTP sends through a mail server.
type SMTP struct {
	from string
	opts []mail.Option
	host string
}

// NewSMTP returns a Mailer for a server given as smtp://[user:pass@]host[:port] (STARTTLS
// when the server offers it; port 587 by default) or smtps://… (TLS from the start; port
// 465), sending as from.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("want smtp://host:port or smtps://host:port")
	}
	opts := []mail.Option{mail.WithTimeout(30 * time.Second)}
	port := 587
	switch u.Scheme {
	case "smtp":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case "smtps":
		opts = append(opts, mail.WithSSL())
		port = 465
	default:
		return nil, fmt.Errorf("want an smtp:// or smtps:// URL, not %s://", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("bad port %q", p)
		}
	}
	opts = append(opts, mail.WithPort(port))
	if u.User != nil {
		pass, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(u.User.Username()), mail.WithPassword(pass))
	}
	return &SMTP{from: from, opts: opts, host: u.Hostname()}, nil
}

// Send delivers m; an error leaves it to be sent again.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := build(s.from, m)
	if err != nil {
		return err
	}
	c, err := mail.NewClient(s.host, s.opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send mail: %w", err)
	}
	return nil
}

// Outbox writes each message as an .eml file in a folder, named by its Message-ID so a repeat
// replaces the first, and logs it.
type Outbox struct {
	dir  string
	from string
	log  *slog.Logger
}

// NewOutbox returns a Mailer writing to dir, created when missing.
func NewOutbox(dir, from string, log *slog.Logger) (*Outbox, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create outbox: %w", err)
	}
	return &Outbox{dir: dir, from: from, log: log}, nil
}

// Send writes m to the outbox.
func (o *Outbox) Send(_ context.Context, m Message) error {
	msg, err := build(o.from, m)
	if err != nil {
		return err
	}
	name := filepath.Join(o.dir, fileName(m.ID)+".eml")
	tmp := name + ".tmp"
	if err := msg.WriteToFile(tmp); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return err
	}
	o.log.Info("mail written to the outbox", "file", name, "to", m.To, "subject", m.Subject)
	return nil
}

// fileName keeps the letters, digits, dots and dashes of a Message-ID.
func fileName(id string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, id)
}
