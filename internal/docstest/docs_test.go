package docstest

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/recert-dev/recert/internal/app"
)

// chromium is Debian's package; .ci/run installs it when missing.
const chromium = "/usr/bin/chromium"

// TestDocsTryItOut starts the service on a free port other than the default, signs in with
// the docs page's Authorize dialog, and executes "Try it out" on GET /v1/me: both the token
// request and the call must reach the service that served the page.
func TestDocsTryItOut(t *testing.T) {
	if _, err := exec.LookPath(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is required in CI: %v", err)
		}
		t.Skipf("no %s: the docs browser test needs Debian's chromium package", chromium)
	}
	base := startService(t)

	alloc, cancelAlloc := chromedp.NewExecAllocator(t.Context(),
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()

	const op = `#operations-auth-getMe`
	steps := []struct {
		name string
		do   chromedp.Action[chromedp.Void]
	}{
		{"open the docs", chromedp.Navigate(base + "/docs")},
		{"open Authorize", chromedp.Click(chromedp.CSS(`.btn.authorize`))},
		{"fill the username", chromedp.SendKeys(chromedp.CSS(`#oauth_username`), adminEmail)},
		{"fill the password", chromedp.SendKeys(chromedp.CSS(`#oauth_password`), adminPassword)},
		{"sign in", chromedp.Click(chromedp.CSS(`.auth-btn-wrapper .authorize`))},
		{"be signed in", chromedp.WaitVisible(chromedp.Search(`//div[contains(@class,"auth-btn-wrapper")]/button[.="Logout"]`))},
		{"close the dialog", chromedp.Click(chromedp.CSS(`.btn-done`))},
		{"expand GET /v1/me", chromedp.Click(chromedp.CSS(op + ` .opblock-summary-control`))},
		{"Try it out", chromedp.Click(chromedp.CSS(op + ` .try-out__btn`))},
		{"Execute", chromedp.Click(chromedp.CSS(op + ` .execute`))},
		{"see the response", chromedp.WaitVisible(chromedp.CSS(op + ` .live-responses-table tbody .response-col_status`))},
	}
	// The first action on ctx starts the browser, which then lives as long as ctx.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	for _, s := range steps {
		sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		err := chromedp.Do(sctx, s.do)
		cancel()
		if err != nil {
			page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\nthe page reads:\n%s", s.name, err, page)
		}
	}
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(op+` .live-responses-table tbody .response-col_status`)))
	if err != nil {
		t.Fatal(err)
	}
	url, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(op+` .request-url pre`)))
	if err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(op+` .live-responses-table .response-col_description pre`)))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(status) != "200" || !strings.Contains(body, adminEmail) {
		t.Errorf("Try it out on GET /v1/me answered %q:\n%s", status, body)
	}
	if want := base + "/v1/me"; strings.TrimSpace(url) != want {
		t.Errorf("the docs page called %q, want %q", url, want)
	}
}

// TestDocsShowExamples opens an operation in the docs page and reads the examples the
// contract gives: its request body's and its answers', an error's type URI among them.
func TestDocsShowExamples(t *testing.T) {
	if _, err := exec.LookPath(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is required in CI: %v", err)
		}
		t.Skipf("no %s: the docs browser test needs Debian's chromium package", chromium)
	}
	base := startService(t)
	alloc, cancelAlloc := chromedp.NewExecAllocator(t.Context(),
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	const op = `#operations-organizations-createOrganization`
	if _, err := chromedp.Run(ctx, chromedp.Navigate(base+"/docs")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Click(chromedp.CSS(op+` .opblock-summary-control`))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.WaitVisible(chromedp.CSS(op+` .responses-table`))); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(op)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"contact_phone": "+1 414 555 0100"`, `"id": "org_`, `/problems/bad-request`} {
		if !strings.Contains(text, want) {
			t.Errorf("POST /v1/organizations in the docs does not show %s:\n%s", want, text)
		}
	}
}

const (
	adminEmail    = "registrar@example.org"
	adminPassword = "docs page passphrase 42"
)

// startService runs the whole program, as `go run .` does, on a free port with its own data
// directory, until the test ends.
func startService(t *testing.T) string {
	t.Helper()
	addr := freeAddr(t)
	env := map[string]string{
		"RECERT_LISTEN_ADDR":    addr,
		"RECERT_DATA_DIR":       t.TempDir(),
		"RECERT_ADMIN_EMAIL":    adminEmail,
		"RECERT_ADMIN_PASSWORD": adminPassword,
		"RECERT_LOG_LEVEL":      "warn",
		"RECERT_ADMIN_ADDR":     "off", // the operations listener is not under test, and its port may be taken
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, []string{"recert"}, func(k string) string { return env[k] }, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("the service: %v", err)
		}
	})
	base := "http://" + addr
	for range 300 {
		select {
		case err := <-done:
			t.Fatalf("the service stopped: %v", err)
		default:
		}
		if res, err := http.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			return base
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the service never answered")
	return ""
}

// freeAddr finds a loopback port nothing listens on; it is never the default 8080.
func freeAddr(t *testing.T) string {
	t.Helper()
	for {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if port != 8080 {
			return fmt.Sprintf("127.0.0.1:%d", port)
		}
	}
}
