package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/recert-dev/recert/api"
)

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// lockedWriter lets the server's goroutines log into one buffer.
type lockedWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// Problem decodes a problem response body, failing the test if it is not one.
func Problem(t testing.TB, res *http.Response) api.Problem {
	t.Helper()
	var p api.Problem
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatalf("decode problem: %v", err)
	}
	return p
}
