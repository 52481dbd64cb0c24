package app_test

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestReadinessFollowsTheDatabase puts a TCP proxy between the service and PostgreSQL and
// cuts it: /readyz answers 503 while the database is unreachable and 200 again, without a
// restart, once it is back.
func TestReadinessFollowsTheDatabase(t *testing.T) {
	u, err := url.Parse(dbtest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, u.Host)
	u.Host = p.addr
	st, err := store.OpenPostgres(u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	env := apitest.Start(t, st)

	ready := func() int {
		t.Helper()
		res, err := env.Client.GetReadinessWithResponse(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode()
	}
	if got := ready(); got != http.StatusOK {
		t.Fatalf("readyz with the database up = %d", got)
	}
	p.stop()
	if got := ready(); got != http.StatusServiceUnavailable {
		t.Fatalf("readyz with the database down = %d, want 503", got)
	}
	res, err := env.Client.GetReadinessWithResponse(t.Context())
	if err != nil || res.ApplicationProblemJSON503 == nil || res.HTTPResponse.Header.Get("Retry-After") == "" {
		t.Fatalf("readyz 503 without a problem body or Retry-After: %v %s", err, res.Body)
	}
	p.start(t)
	if got := ready(); got != http.StatusOK {
		t.Fatalf("readyz after the database returned = %d, want 200", got)
	}
}

// proxy forwards TCP connections to a target and can be cut and restored on the same port.
type proxy struct {
	target, addr string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{target: target, addr: ln.Addr().String()}
	p.serve(ln)
	t.Cleanup(p.stop)
	return p
}

func (p *proxy) start(t *testing.T) {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.serve(ln)
}

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.DialTimeout("tcp", p.target, 2*time.Second)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

// stop closes the listener and every open connection, as a stopped server would.
func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
