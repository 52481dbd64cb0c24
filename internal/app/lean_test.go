package app

import (
	"context"
	"log/slog"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestStartHashesNoPassword: building the service with production password parameters
// hashes nothing (a sign-in for an unknown account verifies against auth.UnusableHash), so
// a start allocates less than one argon2 hash's memory (64 MiB); the first administrator's
// password, on a first start, is the only hash a start makes.
func TestStartHashesNoPassword(t *testing.T) {
	st := dbtest.New(t, store.SQLite)
	cfg := testConfig(t)
	cfg.DataDir = t.TempDir()
	cfg.SigningKeyFile = filepath.Join(cfg.DataDir, "signing-key.pem")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := NewServer(context.Background(), cfg, st, slog.New(slog.DiscardHandler), WithPasswordParams(auth.DefaultArgon2Params)); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	hash := uint64(auth.DefaultArgon2Params.Memory) << 10
	if n := after.TotalAlloc - before.TotalAlloc; n >= hash {
		t.Errorf("building the server allocated %d MiB, at least one password hash's %d MiB: something hashed", n>>20, hash>>20)
	} else {
		t.Logf("building the server allocated %d MiB", n>>20)
	}
}
