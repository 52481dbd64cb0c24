// Package mailtest runs a real SMTP server on loopback for tests and parses what it receives.
package mailtest

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one message the server received.
type Mail struct {
	From      string
	To        []string
	MessageID string
	Subject   string
	Text      string // the text/plain part
	HTML      string // the text/html part
	// Attachments are the parts sent as attachments, by file name.
	Attachments map[string][]byte
}

// Server is an SMTP server on 127.0.0.1 that keeps every message.
type Server struct {
	// URL is the server as RECERT_SMTP_URL takes it.
	URL  string
	mu   sync.Mutex
	mail []Mail
	got  chan struct{}
	t    testing.TB
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{got: make(chan struct{}, 1000), t: t}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{srv: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	s.URL = "smtp://" + ln.Addr().String()
	return s
}

// Wait returns once at least n messages have arrived (failing the test after a while).
func (s *Server) Wait(n int) []Mail {
	s.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if got := s.Mail(); len(got) >= n {
			return got
		}
		select {
		case <-s.got:
		case <-deadline:
			s.t.Fatalf("got %d messages, want %d: %+v", len(s.Mail()), n, s.Mail())
		}
	}
}

// Mail returns the messages received so far.
func (s *Server) Mail() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mail...)
}

type session struct {
	srv  *Server
	from string
	to   []string
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := Parse(raw)
	if err != nil {
		s.srv.t.Errorf("unparseable message: %v\n%s", err, raw)
		return err
	}
	m.From, m.To = s.from, s.to
	s.srv.mu.Lock()
	s.srv.mail = append(s.srv.mail, m)
	s.srv.mu.Unlock()
	s.srv.got <- struct{}{}
	return nil
}

// Parse reads a MIME message: its Message-ID, decoded subject and text and HTML parts.
func Parse(raw []byte) (Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Mail{}, err
	}
	var m Mail
	m.MessageID = strings.Trim(msg.Header.Get("Message-Id"), "<>")
	if to, err := msg.Header.AddressList("To"); err == nil {
		for _, a := range to {
			m.To = append(m.To, strings.ToLower(a.Address))
		}
	}
	if m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return m, err
	}
	return m, readParts(&m, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}

func readParts(m *Mail, contentType, encoding string, body io.Reader) error {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart() // decodes quoted-printable itself
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if name := p.FileName(); name != "" {
				b, err := decode(p.Header.Get("Content-Transfer-Encoding"), p)
				if err != nil {
					return err
				}
				if m.Attachments == nil {
					m.Attachments = map[string][]byte{}
				}
				m.Attachments[name] = b
				continue
			}
			if err := readParts(m, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	b, err := decode(encoding, body)
	if err != nil {
		return err
	}
	switch mt {
	case "text/plain":
		m.Text = string(b)
	case "text/html":
		m.HTML = string(b)
	}
	return nil
}
