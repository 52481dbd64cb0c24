package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/app"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/store"
)

// TestStartWritesNothingWhenAPortIsTaken: a start that cannot bind one of its listeners (the
// API's or the operations one, taken by another program or by the API itself under another
// spelling) creates no data directory, database, signing key or administrator, so a
// generated password is never shown for an installation that did not start.
func TestStartWritesNothingWhenAPortIsTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	_, port, _ := net.SplitHostPort(taken.Addr().String())
	tests := []struct {
		name, listen, admin, want string
	}{
		{"the API's port", taken.Addr().String(), "off", "address already in use"},
		{"the operations port", "127.0.0.1:0", taken.Addr().String(), "address already in use"},
		{"the operations port is the API's, written otherwise", ":" + port, "127.0.0.1:" + port, "RECERT_ADMIN_ADDR"},
		{"the operations port is the API's, by name", "localhost:" + port, "127.0.0.1:" + port, "RECERT_ADMIN_ADDR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dataDir := filepath.Join(t.TempDir(), "data")
			env := map[string]string{"RECERT_LISTEN_ADDR": tt.listen, "RECERT_DATA_DIR": dataDir, "RECERT_ADMIN_ADDR": tt.admin}
			var out strings.Builder
			err := app.Run(context.Background(), []string{"recert"}, func(k string) string { return env[k] }, &out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("start: %v, want an error with %q", err, tt.want)
			}
			if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
				entries, _ := os.ReadDir(dataDir)
				t.Errorf("the failed start wrote the data directory: %v %v", err, entries)
			}
			if strings.Contains(out.String(), "ADMINISTRATOR") {
				t.Errorf("the failed start created an administrator:\n%s", out.String())
			}
		})
	}
}

// TestResetPasswordCreatesNothing: `recert admin reset-password` pointed at a data
// directory with no Recert database (missing, empty, or holding an empty file) refuses and
// leaves it as it was.
func TestResetPasswordCreatesNothing(t *testing.T) {
	tests := []struct {
		name  string
		setup func(dir string) string // the data directory to point at
	}{
		{"a missing directory", func(dir string) string { return filepath.Join(dir, "data") }},
		{"an empty directory", func(dir string) string { return dir }},
		{"an empty database file", func(dir string) string {
			if err := os.WriteFile(filepath.Join(dir, "recert.db"), nil, 0o600); err != nil {
				t.Fatal(err)
			}
			return dir
		}},
		{"another application's database", func(dir string) string {
			st, err := store.OpenSQLite(filepath.Join(dir, "recert.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.DB().Exec("CREATE TABLE users (name TEXT)").Error; err != nil {
				t.Fatal(err)
			}
			return dir
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dataDir := tt.setup(t.TempDir())
			before := listDir(dataDir)
			env := map[string]string{"RECERT_DATA_DIR": dataDir}
			var out strings.Builder
			err := app.RunWithStdin(context.Background(), []string{"recert", "admin", "reset-password", "admin@recert.local"},
				func(k string) string { return env[k] }, nil, &out)
			if !errors.Is(err, store.ErrNoSchema) || !strings.Contains(err.Error(), "RECERT_DATA_DIR") {
				t.Errorf("reset-password: %v, want %v naming RECERT_DATA_DIR", err, store.ErrNoSchema)
			}
			if after := listDir(dataDir); after != before {
				t.Errorf("reset-password changed the data directory: %q, was %q", after, before)
			}
			if out.Len() != 0 {
				t.Errorf("reset-password printed %q", out.String())
			}
		})
	}
}

// listDir names the files in dir with their sizes, or says it is missing.
func listDir(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for _, e := range entries {
		fi, _ := e.Info()
		fmt.Fprintf(&b, "%s:%d ", e.Name(), fi.Size())
	}
	return b.String()
}

// TestFirstStartAndPasswordReset starts the program as `go run .` does: one banner line
// says where the API and its documentation are, the generated administrator password is
// logged once, and `recert admin reset-password` replaces it.
func TestFirstStartAndPasswordReset(t *testing.T) {
	dataDir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env := map[string]string{"RECERT_LISTEN_ADDR": addr, "RECERT_DATA_DIR": dataDir, "RECERT_LOG_FORMAT": "json", "RECERT_ADMIN_ADDR": "off"}
	getenv := func(k string) string { return env[k] }

	logs := &syncBuffer{}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, []string{"recert"}, getenv, logs) }()
	waitFor(t, "http://"+addr+"/healthz", done)
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	var generated string
	banners := 0
	for line := range strings.Lines(logs.String()) {
		var l struct{ Msg, Email, Password string }
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("a log line that is not JSON: %q", line)
		}
		if l.Password != "" {
			generated = l.Password
		}
		want := fmt.Sprintf("the API is at http://%s/v1/, its documentation at http://%s/docs", addr, addr)
		if strings.Contains(l.Msg, want) {
			banners++
		}
	}
	if generated == "" || banners != 1 {
		t.Fatalf("want the generated password and one banner line, got:\n%s", logs.String())
	}

	var out strings.Builder
	if err := app.RunWithStdin(context.Background(), []string{"recert", "admin", "reset-password", "admin@recert.local"}, getenv, nil, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	reset := lines[len(lines)-1]
	if !signsIn(t, dataDir, reset) || signsIn(t, dataDir, generated) {
		t.Errorf("after the reset the printed password %q should sign in and the first one should not:\n%s", reset, out.String())
	}

	const chosen = "a passphrase typed in"
	out.Reset()
	args := []string{"recert", "admin", "reset-password", "admin@recert.local", "--password-stdin"}
	if err := app.RunWithStdin(context.Background(), args, getenv, strings.NewReader(chosen+"\n"), &out); err != nil {
		t.Fatal(err)
	}
	if !signsIn(t, dataDir, chosen) || strings.Contains(out.String(), chosen) {
		t.Errorf("the password from standard input does not sign in, or was printed:\n%s", out.String())
	}
	for _, bad := range [][]string{{"admin"}, {"admin", "reset-password"}, {"admin", "reset-password", "a@b.org", "--frob"}} {
		if err := app.RunWithStdin(context.Background(), append([]string{"recert"}, bad...), getenv, nil, &out); err == nil || !strings.Contains(err.Error(), "usage") {
			t.Errorf("%v: %v, want the usage", bad, err)
		}
	}
}

func signsIn(t *testing.T, dataDir, password string) bool {
	t.Helper()
	st, err := store.Open("", dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, hash, err := st.UserByEmail(context.Background(), "admin@recert.local")
	if err != nil {
		t.Fatal(err)
	}
	ok, _ := auth.VerifyPassword(password, hash)
	return ok
}

func waitFor(t *testing.T, url string, done <-chan error) {
	t.Helper()
	for range 300 {
		select {
		case err := <-done:
			t.Fatalf("the service stopped: %v", err)
		default:
		}
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the service never answered")
}

// syncBuffer is a strings.Builder the service may write to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
