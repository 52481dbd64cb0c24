package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/app"
)

func TestRunCommands(t *testing.T) {
	env := map[string]string{"RECERT_DATA_DIR": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	run := func(args ...string) (string, error) {
		var out strings.Builder
		err := app.Run(context.Background(), append([]string{"recert"}, args...), getenv, &out)
		return out.String(), err
	}

	out, err := run("migrate", "status")
	if err != nil || !strings.Contains(out, "pending") || strings.Contains(out, "applied") {
		t.Fatalf("status before migrating: %v\n%s", err, out)
	}
	if _, err := run("migrate", "up"); err != nil {
		t.Fatal(err)
	}
	out, err = run("migrate", "status")
	if err != nil || !strings.Contains(out, "applied") || strings.Contains(out, "pending") {
		t.Fatalf("status after migrating: %v\n%s", err, out)
	}
	if out, err := run("version"); err != nil || strings.TrimSpace(out) == "" {
		t.Errorf("version: %q %v", out, err)
	}
	if _, err := run("frobnicate"); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("unknown command: %v, want usage", err)
	}
	env["RECERT_LOG_LEVEL"] = "loud"
	if _, err := run("migrate"); err == nil || !strings.Contains(err.Error(), "RECERT_LOG_LEVEL") {
		t.Errorf("bad config: %v, want it named", err)
	}
}
