package apitest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/notify/mailtest"
)

// Outbox waits for the e-mails the service wrote to its outbox (no mail server is set in
// tests) for the address to, until there are n, and returns them parsed.
func (e *Env) Outbox(t testing.TB, to string, n int) []mailtest.Mail {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var got []mailtest.Mail
		files, _ := filepath.Glob(filepath.Join(e.DataDir, "outbox", "*.eml"))
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, err := mailtest.Parse(raw)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if slices.Contains(m.To, strings.ToLower(to)) {
				got = append(got, m)
			}
		}
		if len(got) >= n || time.Now().After(deadline) {
			if len(got) < n {
				t.Fatalf("%d e-mails to %s in the outbox, want %d", len(got), to, n)
			}
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Link returns the token of the first link in m's text that starts with prefix (such as
// "/app/claim?token=").
func Link(t testing.TB, m mailtest.Mail, prefix string) string {
	t.Helper()
	i := strings.Index(m.Text, prefix)
	if i < 0 {
		t.Fatalf("no %s link in %q", prefix, m.Text)
	}
	return strings.Fields(m.Text[i+len(prefix):])[0]
}
