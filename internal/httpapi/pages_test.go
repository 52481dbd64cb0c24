package httpapi_test

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestLinkPagesAllowTheirOwnScript: the pages e-mailed links open run their inline script
// under a policy that allows that script, by hash, and nothing else.
func TestLinkPagesAllowTheirOwnScript(t *testing.T) {
	env := apitest.Start(t, dbtest.New(t, store.SQLite))
	for _, path := range []string{"/app/claim?token=x", "/app/reset?token=x"} {
		res, err := http.Get(env.URL + path) // the pages are outside the contract: a plain client
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		_, script, ok := strings.Cut(string(body), "<script>")
		script, _, _ = strings.Cut(script, "</script>")
		sum := sha256.Sum256([]byte(script))
		want := "script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "';"
		if csp := res.Header.Get("Content-Security-Policy"); !ok || !strings.Contains(csp, want) || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: CSP %q, want it to allow the page's script (%s)", path, csp, want)
		}
	}
}
