package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
)

// freshDatabase (re)creates the database name on the server of adminURL and returns its URL
// and a function that drops it.
func freshDatabase(ctx context.Context, adminURL, name string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		return "", nil, err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		return "", nil, err
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		c, err := pgx.Connect(context.Background(), adminURL)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)")
			_ = c.Close(context.Background())
		}
	}
	return u.String(), drop, nil
}

// server is a service under test on 127.0.0.1.
type server struct {
	url   string
	dbURL string // the database it serves
	admin string // the operations listener (pprof), if started
	stop  func()
}

// adminPassword is the bench's first administrator's password.
const adminPassword = "Heart-lung machine, 1953"

// startRecert builds the binary from the repository and starts it on a free port, with its
// operations listener (pprof) on another if profiled.
func startRecert(ctx context.Context, dbURL string, profiled bool) (*server, error) {
	dir, err := os.MkdirTemp("", "recert-bench")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "recert")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	admin := "off"
	if profiled {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		admin = fmt.Sprintf("127.0.0.1:%d", p)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"RECERT_DATABASE_URL="+dbURL,
		"RECERT_LISTEN_ADDR="+fmt.Sprintf("127.0.0.1:%d", port),
		"RECERT_PUBLIC_URL="+fmt.Sprintf("http://127.0.0.1:%d", port),
		"RECERT_SIGNING_KEY_FILE="+filepath.Join(dir, "signing-key.pem"),
		"RECERT_DATA_DIR="+dir,
		"RECERT_ADMIN_EMAIL=admin@bench.example.org",
		"RECERT_ADMIN_PASSWORD="+adminPassword,
		"RECERT_LOG_LEVEL=warn",
		"RECERT_ADMIN_ADDR="+admin,
	)
	logf, err := os.Create(filepath.Join(dir, "recert.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	if profiled {
		admin = "http://" + admin
	} else {
		admin = ""
	}
	s := &server{url: fmt.Sprintf("http://127.0.0.1:%d", port), admin: admin, stop: func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		_ = logf.Close()
		_ = os.RemoveAll(dir)
	}}
	if err := waitReady(ctx, s.url+"/readyz"); err != nil {
		s.stop()
		return nil, fmt.Errorf("recert did not start (log in %s): %w", logf.Name(), err)
	}
	log.Printf("recert on %s", s.url)
	return s, nil
}

// baselineSQL is the member question answered the cheapest way: one query over the
// member's live credits.
const baselineSQL = `SELECT COALESCE(SUM(x.ceus), 0), COUNT(*) FROM attendance a
JOIN attendance_sessions x ON x.attendance_id = a.id
WHERE a.member_id = $1 AND a.revoked_at IS NULL`

// startBaseline serves GET /members/:id with a minimal echo + pgx handler.
func startBaseline(ctx context.Context, dbURL string) (*server, error) {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/healthz", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	e.GET("/members/:id", func(c echo.Context) error {
		var sum, n int64
		if err := pool.QueryRow(c.Request().Context(), baselineSQL, c.Param("id")).Scan(&sum, &n); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]any{"member_id": c.Param("id"), "total_ceus": fmt.Sprintf("%d.%02d", sum/100, sum%100), "credits": n})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: e, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return &server{url: "http://" + ln.Addr().String(), stop: func() {
		_ = hs.Close()
		pool.Close()
	}}, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitReady(ctx context.Context, u string) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return errors.New("not ready after 60 s")
}

// analyze vacuums the database and updates its planner statistics.
func analyze(ctx context.Context, dbURL string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "VACUUM ANALYZE")
	return err
}

// profileCPU records the service's CPU profile for d into file, in the background; the
// returned function waits for it. Without an operations listener it does nothing.
func profileCPU(s *server, d time.Duration, file string) func() {
	if s.admin == "" {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		secs := max(1, int(d/time.Second))
		res, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", s.admin, secs))
		if err != nil {
			log.Printf("profile: %v", err)
			return
		}
		defer res.Body.Close()
		f, err := os.Create(file)
		if err == nil {
			_, err = io.Copy(f, res.Body)
			err = errors.Join(err, f.Close())
		}
		if err != nil {
			log.Printf("profile: %v", err)
		}
	}()
	return func() { <-done }
}
